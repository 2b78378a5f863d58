package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.error.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How Helm reaches the cluster. helm-java takes a kubeconfig but no context, so a chosen context is baked
 * into the kubeconfig's {@code current-context} ({@link #withContext}).
 */
public sealed interface KubeAccess {

    /** A kubeconfig file used as it is (its current-context). */
    record KubeconfigFile(Path path) implements KubeAccess {
        public KubeconfigFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** Kubeconfig YAML held in memory (it may carry tokens: never printed). */
    record KubeconfigContents(String yaml) implements KubeAccess {
        public KubeconfigContents {
            Objects.requireNonNull(yaml, "yaml");
        }

        @Override
        public String toString() {
            return "KubeconfigContents[" + yaml.length() + " chars]";
        }
    }

    /** No cluster: only {@link HelmDriver#template} works. */
    record None() implements KubeAccess {
    }

    static KubeAccess none() {
        return new None();
    }

    /**
     * The kubeconfig at {@code kubeconfig} with {@code context} made current; "" keeps the file's current context.
     * An unknown context is bad input, named with the contexts the file has.
     */
    static KubeAccess withContext(Path kubeconfig, String context) {
        if (context.isEmpty()) {
            return new KubeconfigFile(kubeconfig);
        }
        String text;
        try {
            text = Files.readString(kubeconfig);
        } catch (IOException e) {
            throw new ConfigException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
        }
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (!(loaded instanceof Map<?, ?> root)) {
            throw new ConfigException(kubeconfig + " is not a kubeconfig (expected a YAML mapping)");
        }
        List<String> contexts = new ArrayList<>();
        if (root.get("contexts") instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> map && map.get("name") instanceof String name) {
                    contexts.add(name);
                }
            }
        }
        if (!contexts.contains(context)) {
            throw new ConfigException("kube context '" + context + "' is not in " + kubeconfig + " (contexts: " + contexts
                    + "); pick one of those with --context, or point --kubeconfig at the right file");
        }
        Map<Object, Object> copy = new LinkedHashMap<>(root);
        copy.put("current-context", context);
        return new KubeconfigContents(new Yaml().dump(copy));
    }
}
