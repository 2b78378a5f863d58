package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code plan} renders, as a GitOps engine's own objects: the releases in phase order with their values inline,
 * for {@link FluxObjects} and {@link ArgoCdObjects}. Rendered offline from the templates (the engine pulls the
 * charts); Secrets appear only as references: the charts read them by name, the export lists them for the user to
 * create (SOPS, External Secrets), and no value is ever written.
 */
public final class GitOpsExport {
    /** One release to hand to the engine. */
    public record Release(
            int phaseIndex,
            String phase,
            String component,
            String releaseName,
            String namespace,
            ChartRef chart,
            Map<String, Object> values,
            InstallMode mode,
            Duration timeout) {
        public Release {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(releaseName, "releaseName");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(chart, "chart");
            // not Map.copyOf: a YAML null is a legitimate value (Helm removes that chart default)
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(timeout, "timeout");
        }

        /** Whether this release brings CRDs the later phases need: it goes first, and replaces them on upgrade. */
        public boolean bringsCrds() {
            return mode == InstallMode.APPLY_CRDS;
        }

        public boolean isOci() {
            return chart.repository().startsWith("oci://");
        }
    }

    /** Everything an export writes from: releases in install order, the Secrets they read, where they go. */
    public record Stack(
            String profile, String namespace, String stack, List<Release> releases, List<StackSecret> secrets) {
        public Stack {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(stack, "stack");
            releases = List.copyOf(releases);
            secrets = List.copyOf(secrets);
        }

        /** The releases of the nearest earlier phase that has any: what a release of {@code phaseIndex} waits for. */
        public List<Release> before(int phaseIndex) {
            int previous = releases.stream()
                    .mapToInt(Release::phaseIndex)
                    .filter(index -> index < phaseIndex)
                    .max()
                    .orElse(-1);
            return releases.stream().filter(r -> r.phaseIndex() == previous).toList();
        }
    }

    private GitOpsExport() {}

    /** The enabled phases' releases, values rendered for {@code kubeVersion}, and the Secrets they read. */
    public static Stack of(
            PhasePlan phases,
            BootstrapConfig config,
            ComponentCatalog catalog,
            ValuesRenderer renderer,
            String kubeVersion) {
        StackTopology topology = catalog.topology(config);
        List<Release> releases = new ArrayList<>();
        List<StackSecret> secrets = new ArrayList<>();
        List<Phase> ordered = phases.ordered();
        for (int index = 0; index < ordered.size(); index++) {
            Phase phase = ordered.get(index);
            if (!phase.enabled(config)) {
                continue;
            }
            secrets.addAll(phase.secrets(config, topology));
            for (String id : phase.components(config)) {
                var component = topology.component(id);
                releases.add(new Release(
                        index,
                        phase.id(),
                        id,
                        component.release(),
                        topology.namespace(),
                        config.charts().getOrDefault(id, component.chart()),
                        renderer.render(component, config, topology, kubeVersion)
                                .values(),
                        component.mode(),
                        config.profile().timeoutFor(phase.id())));
            }
        }
        return new Stack(
                config.profile().name(), topology.namespace(), config.cluster().stack(), releases, secrets);
    }

    /** A DNS label for a chart repository's source object: its host's first label ("charts" for charts.example.org). */
    static String sourceName(String repository) {
        String rest = repository.replaceFirst("^[a-z]+://", "");
        String host = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        String first = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
        String label = first.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return label.isEmpty() ? "charts" : label;
    }

    /** {@code 30m}, {@code 1h30m}, as both engines read durations. */
    static String duration(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** Every key path whose value is null: Helm reads it as "remove this default", an API server may prune it. */
    public static List<String> nullPaths(Map<?, ?> values) {
        List<String> paths = new ArrayList<>();
        walkNulls("", values, paths);
        return paths;
    }

    private static void walkNulls(String prefix, Object node, List<String> paths) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                String path = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
                if (value == null) {
                    paths.add(path);
                } else {
                    walkNulls(path, value, paths);
                }
            });
        }
    }

    /** The Secrets the releases read by name, for the export's README: name, keys, where each value comes from. */
    public static List<String> secretLines(Stack stack) {
        List<String> lines = new ArrayList<>();
        for (StackSecret secret : stack.secrets()) {
            List<String> keys = new ArrayList<>();
            for (StackSecret.Key key : secret.keys()) {
                keys.add(key.key() + " (" + origin(key) + ")");
            }
            lines.add("- `" + secret.namespace() + "/" + secret.name() + "`: " + secret.purpose() + "; keys: "
                    + String.join(", ", keys));
        }
        return lines;
    }

    private static String origin(StackSecret.Key key) {
        if (key instanceof StackSecret.Key.Literal literal) {
            return "the value `" + literal.value() + "`, not secret";
        }
        if (key instanceof StackSecret.Key.Generated generated) {
            return "a random value, or $" + generated.variable();
        }
        if (key instanceof StackSecret.Key.FromSecret from) {
            return "copy of " + from.secretName() + "/" + from.secretKey();
        }
        if (key instanceof StackSecret.Key.FromEnv env) {
            return "the value obs-bootstrap would read from $" + env.variable();
        }
        return "yours to provide";
    }
}
