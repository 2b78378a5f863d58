package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ChartRepositoryClient;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A reviewed plan bundle opened for {@code up --bundle}: its digests checked first, then its values and charts served
 * to the engine in place of rendering. Helm receives exactly the bytes of {@code NN-phase/<release>.values.yaml} and
 * the chart in {@code charts/}, and before anything is written every release is templated for the target cluster and
 * must give exactly the reviewed {@code .manifests.yaml}: a chart that renders differently there (another Kubernetes
 * version than the plan's, say) is refused rather than installed unreviewed.
 */
public final class BundleInstall {
    /** One release of the bundle, as its summary.json lists it. */
    public record Release(
            String component, String release, String namespace, String chart, String valuesFile, String manifestsFile) {
        public Release {
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(release, "release");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(chart, "chart");
            Objects.requireNonNull(valuesFile, "valuesFile");
            Objects.requireNonNull(manifestsFile, "manifestsFile");
        }
    }

    private final Path directory;
    private final String digest;
    private final BundleInputs inputs;
    private final String profile;
    private final Map<String, Release> releases;

    private BundleInstall(
            Path directory, String digest, BundleInputs inputs, String profile, Map<String, Release> releases) {
        this.directory = directory;
        this.digest = digest;
        this.inputs = inputs;
        this.profile = profile;
        this.releases = releases;
    }

    /**
     * Opens the bundle after checking every file against its digest.
     *
     * @throws ConfigException naming every changed, missing or added file (exit 2, before any cluster is contacted)
     */
    public static BundleInstall open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ConfigException(
                    "--bundle " + directory + " is not a directory; give the --out directory of `obs-bootstrap plan`");
        }
        String digest = BundleDigests.verify(directory);
        BundleInputs inputs = BundleInputs.read(directory);
        Path summary = directory.resolve(PlanBundleWriter.SUMMARY_JSON);
        Map<String, Release> releases = new LinkedHashMap<>();
        String profile;
        try {
            JsonNode root = JsonMapper.builder().build().readTree(Files.readString(summary));
            profile = root.path("profile").asString("");
            for (JsonNode phase : root.path("phases")) {
                for (JsonNode release : phase.path("releases")) {
                    Release entry = new Release(
                            release.path("component").asString(""),
                            release.path("release").asString(""),
                            release.path("namespace").asString(""),
                            release.path("chart").asString(""),
                            release.path("values").asString(""),
                            release.path("manifests").asString(""));
                    releases.put(entry.component(), entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read the bundle's " + summary + ": " + e.getMessage(), e);
        }
        return new BundleInstall(directory, digest, inputs, profile, releases);
    }

    public Path directory() {
        return directory;
    }

    /** "sha256:...": the digest of the bundle's digests, what evidence and the ledger's run description name. */
    public String digest() {
        return digest;
    }

    public BundleInputs inputs() {
        return inputs;
    }

    public String profile() {
        return profile;
    }

    public Path configFile() {
        return directory.resolve(BundleInputs.CONFIG_FILE);
    }

    public List<Release> releases() {
        return List.copyOf(releases.values());
    }

    /** Charts from the bundle's charts/ only: the cache and the repositories are never asked. */
    public ChartResolver charts(Console console) {
        Path charts = directory.resolve(BundleCharts.DIRECTORY);
        return new ChartResolver(List.of(charts), charts, ChartRepositoryClient.create(), console);
    }

    /** Release specs from the bundle: its values files as they are, its charts; nothing is rendered. */
    public ReleaseRenderer renderer(Console console) {
        return new ReleaseRenderer(charts(console), (component, kubeVersion) -> {
            Release release = releases.get(component.id());
            if (release == null) {
                throw new ConfigException("the config enables " + component.id() + ", but the bundle " + directory
                        + " has no release for it: it was planned with another config; plan again");
            }
            String yaml = valuesWithoutHeader(read(release.valuesFile()));
            List<Map<String, Object>> documents = Manifests.maps(yaml, release.valuesFile());
            return new ReleaseSpec.Values(documents.isEmpty() ? Map.of() : documents.get(0), yaml);
        });
    }

    /**
     * Before the first write: every enabled release of the config is in the bundle with the same chart, and Helm
     * renders it for {@code kubeVersion} into exactly the reviewed manifests.
     *
     * @throws ConfigException listing every difference
     */
    public void checkRendering(
            PhasePlan phases,
            BootstrapConfig config,
            StackTopology topology,
            ReleaseRenderer renderer,
            HelmDriver helm,
            String kubeVersion) {
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Phase phase : phases.ordered()) {
            if (!phase.enabled(config)) {
                continue;
            }
            for (String componentId : phase.components(config)) {
                seen.add(componentId);
                Release release = releases.get(componentId);
                if (release == null) {
                    problems.add("the config enables " + componentId + " (phase " + phase.id()
                            + "), which the bundle does not hold");
                    continue;
                }
                ChartRef chart = config.charts()
                        .getOrDefault(
                                componentId, topology.component(componentId).chart());
                if (!chart.coordinate().equals(release.chart())) {
                    problems.add(release.release() + ": the config pins " + chart.coordinate() + ", the bundle holds "
                            + release.chart());
                    continue;
                }
                ReleaseSpec spec =
                        renderer.releaseSpec(phase, topology.component(componentId), config, topology, kubeVersion);
                String rendered = helm.template(spec, kubeVersion);
                String reviewed = manifestsWithoutHeader(read(release.manifestsFile()));
                if (!normalized(rendered).equals(normalized(reviewed))) {
                    problems.add(release.release() + ": Helm renders it for Kubernetes " + kubeVersion
                            + " differently from the reviewed "
                            + release.manifestsFile() + " (first difference at line "
                            + firstDifference(normalized(reviewed), normalized(rendered))
                            + "; the bundle was rendered for Kubernetes " + inputs.kubeVersion() + ")");
                }
            }
        }
        releases.keySet().stream()
                .filter(component -> !seen.contains(component))
                .forEach(component -> problems.add("the bundle holds "
                        + releases.get(component).release() + ", which the config does not enable"));
        if (!problems.isEmpty()) {
            throw new ConfigException("the bundle " + directory + " cannot be installed exactly as reviewed: "
                    + String.join("; ", problems) + ". Plan again for this cluster (`obs-bootstrap plan --kube-version "
                    + kubeVersion + " --out DIR`) and review that bundle");
        }
    }

    private String read(String relative) {
        try {
            return Files.readString(directory.resolve(relative));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + directory.resolve(relative) + ": " + e.getMessage(), e);
        }
    }

    /** The values file minus the one comment line {@link PlanBundleWriter} puts first: the YAML the plan rendered. */
    static String valuesWithoutHeader(String file) {
        return file.startsWith("# Values of release ") ? file.substring(file.indexOf('\n') + 1) : file;
    }

    static String manifestsWithoutHeader(String file) {
        return file.startsWith("# Manifests of release ") ? file.substring(file.indexOf('\n') + 1) : file;
    }

    /** Line ends and the final newline are not the chart's doing. */
    private static String normalized(String manifests) {
        String text = manifests.replace("\r\n", "\n");
        return text.endsWith("\n") ? text : text + "\n";
    }

    private static int firstDifference(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                return i + 2; // +1 for 1-based, +1 for the header line of the bundle's file
            }
        }
        return Math.min(a.length, b.length) + 2;
    }
}
