package dev.obsbootstrap.core.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A component's own checker for the configs a bundle carries ({@code promtool check rules} on rule groups, a
 * collector's {@code validate}), brought by the phase that installs the component ({@code Phase.configCheckers}).
 * The static validation writes each config it picks to a private scratch file and runs the tool when it is on PATH;
 * a missing tool is a note, a refusal an error naming the object and the tool's own words.
 */
public interface ConfigChecker {
    /** How reports name the check: "promtool check rules". */
    String tool();

    /** Executable names looked up on PATH, first found wins. */
    List<String> binaries();

    /** What one config is, for "N &lt;what&gt; checked" ("rule groups of PrometheusRule"). */
    String what();

    /** The scratch file's suffix (".yaml"): some tools go by it. */
    String suffix();

    /** The configs among these objects that this tool checks. */
    List<Config> configs(List<ManifestObject> objects);

    /** The command line that checks {@code file} with {@code binary}: exit 0 accepts it. */
    List<String> command(String binary, String file);

    /**
     * The command line that checks all of {@code files} in one run, for a tool that takes several and exits 0 only
     * when it accepts every one; empty (the default) for a tool that checks one file per run. When the run refuses,
     * each file is checked again on its own, so a refusal still names its object with the tool's words for it alone.
     */
    default Optional<List<String>> batchCommand(String binary, List<String> files) {
        return Optional.empty();
    }

    /** Environment variables the tool needs to read the config as the component would. */
    default Map<String, String> environment() {
        return Map.of();
    }

    /**
     * The version of the component whose configs this checks, as the bundle deploys it (from its image tag), so a
     * refusal by an older tool can be told apart from a config the component itself would refuse. Empty: unknown.
     */
    default Optional<String> componentVersion(List<ManifestObject> objects) {
        return Optional.empty();
    }

    /** The command line that prints the tool's version ("amtool, version 0.25.0 ..."). */
    default List<String> versionCommand(String binary) {
        return List.of(binary, "--version");
    }

    /**
     * The tag of the first image these objects run ({@link ManifestObject#images}) whose repository ends in
     * {@code /name}, without a leading "v" or a digest.
     */
    static Optional<String> imageTag(List<ManifestObject> objects, String name) {
        for (ManifestObject object : objects) {
            for (String image : object.images()) {
                String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
                int colon = reference.lastIndexOf(':');
                if (colon > reference.lastIndexOf('/')
                        && reference.substring(0, colon).endsWith("/" + name)) {
                    String tag = reference.substring(colon + 1);
                    return Optional.of(tag.startsWith("v") ? tag.substring(1) : tag);
                }
            }
        }
        return Optional.empty();
    }

    /** Every ConfigMap data entry (key, text) among these objects for which {@code picks} says yes. */
    static List<Config> configMapData(
            List<ManifestObject> objects, java.util.function.BiPredicate<String, String> picks) {
        List<Config> configs = new java.util.ArrayList<>();
        for (ManifestObject object : objects) {
            if (!"ConfigMap".equals(object.kind()) || !(object.body().get("data") instanceof Map<?, ?> data)) {
                continue;
            }
            data.forEach((key, value) -> {
                String name = String.valueOf(key);
                String text = ManifestObject.text(value);
                if (picks.test(name, text)) {
                    configs.add(new Config(object, name, text));
                }
            });
        }
        return configs;
    }

    /**
     * One config: the object it comes from and where in it ({@code key}: a ConfigMap data key, or "spec").
     */
    record Config(ManifestObject object, String key, String text) {
        public Config {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(text, "text");
        }
    }
}
