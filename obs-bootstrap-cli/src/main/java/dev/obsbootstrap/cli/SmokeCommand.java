package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.plan.BundleInstall;
import dev.obsbootstrap.core.validate.BundleEvidence;
import dev.obsbootstrap.core.validate.ValidationPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Command(
        name = "smoke",
        description = {
            "Start a throwaway K3s node (Testcontainers), run `up` with every probe on it, then `down`, and remove the node.",
            "Writes up.json, up.xml, down.json, down.xml and smoke.json into --reports DIR. Needs a Docker engine (or Podman's "
                    + "Docker API); without one it exits 3 at once, saying where it looked and what to run instead. "
                    + "With --bundle DIR it smokes exactly that plan bundle and writes the evidence into DIR/evidence/."
        })
public final class SmokeCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    OutputMixin output;

    @Option(
            names = "--bundle",
            paramLabel = "DIR",
            description = "Smoke a reviewed plan bundle (`plan --out DIR`) exactly as it is.")
    Path bundle;

    @Option(
            names = "--keep",
            description = "Leave the K3s node (and the stack) running; prints its kubeconfig and how to reach Grafana. "
                    + "Needs Testcontainers' reuse switched on (TESTCONTAINERS_REUSE_ENABLE=true).")
    boolean keep;

    @Option(
            names = "--k3s-image",
            paramLabel = "IMAGE",
            description = "The K3s node image (default: ${DEFAULT-VALUE}).")
    String k3sImage = EphemeralK3s.DEFAULT_IMAGE;

    @Option(
            names = "--images",
            paramLabel = "FILE",
            description =
                    "An image archive (docker save -o images.tar IMAGE...) K3s imports before it starts: for runners without "
                            + "registry access. Repeatable.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--reports", paramLabel = "DIR", description = "Where the reports go (default: ${DEFAULT-VALUE}).")
    Path reports = Path.of("obs-bootstrap-smoke");

    @Option(
            names = "--charts-dir",
            paramLabel = "DIR",
            description = "Take charts from here first (as for up). Repeatable.")
    List<Path> chartsDirs = new ArrayList<>();

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = ClusterMixin.DurationConverter.class,
            description = "How long each phase's install and readiness may take (default: the profile's).")
    Duration timeout;

    @Override
    protected ExitCode doCall() {
        Instant started = Instant.now();
        Optional<BundleInstall> reviewed;
        BootstrapConfig config;
        try {
            reviewed = Optional.ofNullable(bundle).map(dir -> {
                BundleOptions.refuseConfigOptions("smoke", configOptions, chartsDirs, null);
                return BundleInstall.open(dir);
            });
            config = loadConfig(reviewed.map(BundleOptions::config).orElseGet(() -> withDefaultProfile(configOptions)));
            EphemeralK3s.checkOptions(k3sImage, images);
            DockerEngine.Lookup docker = DockerEngine.find(System.getenv());
            if (!docker.available()) {
                throw new ClusterException(DockerEngine.missing("smoke", docker));
            }
            if (keep) {
                EphemeralK3s.checkKeepable();
            }
            console()
                    .info(
                            "Docker engine: %s; starting K3s node %s%s",
                            docker.engine(),
                            k3sImage,
                            images.isEmpty() ? "" : " with " + images.size() + " image archive(s) to import");
        } catch (BootstrapException refused) {
            return reported("smoke", output, configOptions, (runId, startedAt) -> {
                throw refused;
            });
        }
        try (EphemeralK3s node = EphemeralK3s.start(k3sImage, images, keep, System.getenv())) {
            SmokeRun.Target target =
                    SmokeRun.Target.of(configOptions, chartsDirs, Optional.ofNullable(timeout), reviewed, "ci");
            SmokeRun.Outcome outcome = new SmokeRun(this).run(node, target, reports, keep);
            String summary = SmokeRun.summaryJson(node, outcome, keep, reviewed);
            Files.writeString(reports.resolve("smoke.json"), summary);
            if (output.junit().isPresent()) {
                copy(reports.resolve("up.xml"), output.junit().get());
            }
            printResult(outcome, summary, node);
            if (keep) {
                ServiceEndpoint grafana = grafana(config);
                out().println(node.keptInstructions(config.namespace(), grafana.service(), grafana.port()));
                out().flush();
            }
            reviewed.ifPresent(b -> recordEvidence(b, started, node, outcome));
            return outcome.exitCode();
        } catch (BootstrapException | IOException failed) {
            BootstrapException error = failed instanceof BootstrapException b
                    ? b
                    : new ConfigException(
                            "cannot write the smoke reports into " + reports + ": " + failed.getMessage(), failed);
            return reported("smoke", output, configOptions, (runId, startedAt) -> {
                throw error;
            });
        }
    }

    /** smoke runs the ci profile unless told otherwise. */
    private static ConfigMixin withDefaultProfile(ConfigMixin given) {
        return ConfigMixin.of(
                given.configFile().orElse(null), Optional.of(given.profile().orElse("ci")), given.sets());
    }

    private ServiceEndpoint grafana(BootstrapConfig config) {
        StackTopology topology = catalog().topology(config);
        return topology.endpoint("grafana");
    }

    private void printResult(SmokeRun.Outcome outcome, String summary, EphemeralK3s node) {
        PrintWriter stdout = out();
        if (output.format() == OutputMixin.Format.JSON) {
            stdout.print(summary);
            stdout.flush();
            return;
        }
        stdout.println("smoke on K3s " + outcome.kubernetesVersion() + " (" + node.image() + "): up exit "
                + outcome.up().code()
                + " in " + outcome.upTook().toSeconds() + " s"
                + outcome.down()
                        .map(code -> ", down exit " + code.code() + " in "
                                + outcome.downTook().toSeconds() + " s")
                        .orElse(", node kept"));
        stdout.print(phaseTable(outcome.upJson()));
        stdout.println("reports: " + reports.toAbsolutePath());
        stdout.flush();
    }

    /** The phases of up's JSON report as a small table: id, status, detail. */
    static String phaseTable(String upJson) {
        StringBuilder text = new StringBuilder();
        try {
            JsonNode report = JsonMapper.builder().build().readTree(upJson);
            for (JsonNode phase : report.path("phases")) {
                text.append(String.format(
                        "  %-10s %-15s %s%n",
                        phase.path("id").asString(""),
                        phase.path("status").asString(""),
                        phase.path("detail").asString("")));
            }
            String error = report.path("error").path("message").asString("");
            if (!error.isEmpty()) {
                text.append("  error: ").append(error).append('\n');
            }
        } catch (RuntimeException unreadable) {
            text.append("  (up wrote no readable report)\n");
        }
        return text.toString();
    }

    private void recordEvidence(BundleInstall reviewed, Instant started, EphemeralK3s node, SmokeRun.Outcome outcome) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : List.of("up.json", "up.xml", "down.json", "down.xml", "smoke.json")) {
            Path file = reports.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    files.put(name, Files.readString(file));
                } catch (IOException e) {
                    console().warn("evidence: cannot read %s: %s", file, e.getMessage());
                }
            }
        }
        Path dir = BundleEvidence.record(
                reviewed.directory(),
                new BundleEvidence.Run(
                        ValidationPath.LOCAL.id(),
                        started,
                        Duration.between(started, Instant.now()).toMillis(),
                        reviewed.digest(),
                        "K3s " + outcome.kubernetesVersion() + " (" + node.image() + ")",
                        outcome.exitCode() == ExitCode.OK
                                ? "passed: installed, every probe passed, removed"
                                : "failed: up exit " + outcome.up().code()
                                        + outcome.down()
                                                .map(code -> ", down exit " + code.code())
                                                .orElse(""),
                        outcome.exitCode().code(),
                        files));
        console().info("evidence written to %s", dir);
    }

    private static void copy(Path from, Path to) throws IOException {
        Path target = to.toAbsolutePath();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        if (Files.isRegularFile(from)) {
            Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
