package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.plan.BundleInstall;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One smoke run on a K3s node that is already up: {@code up} with every probe, then {@code down} (unless the node is
 * kept), each as the ordinary command runs it in this process, with its JSON and JUnit reports written into the
 * reports directory. What smoke, validate --path local and up --ephemeral share.
 */
final class SmokeRun {
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** How up and down are asked to run: the config options, or a reviewed bundle. */
    record Target(
            List<String> configArgs,
            Optional<BundleInstall> bundle,
            List<Path> chartsDirs,
            Optional<Duration> timeout) {
        Target {
            configArgs = List.copyOf(configArgs);
            chartsDirs = List.copyOf(chartsDirs);
        }

        static Target of(
                ConfigMixin config,
                List<Path> chartsDirs,
                Optional<Duration> timeout,
                Optional<BundleInstall> bundle,
                String defaultProfile) {
            List<String> args = new ArrayList<>();
            if (bundle.isPresent()) {
                ConfigMixin reviewed = BundleOptions.config(bundle.get());
                reviewed.configFile().ifPresent(file -> args.addAll(List.of("-f", file.toString())));
                reviewed.profile().ifPresent(profile -> args.addAll(List.of("--profile", profile)));
                reviewed.sets().forEach(set -> args.addAll(List.of("--set", set)));
                return new Target(args, bundle, List.of(), timeout);
            }
            config.configFile().ifPresent(file -> args.addAll(List.of("-f", file.toString())));
            args.addAll(List.of("--profile", config.profile().orElse(defaultProfile)));
            config.sets().forEach(set -> args.addAll(List.of("--set", set)));
            return new Target(args, bundle, chartsDirs, timeout);
        }
    }

    /** What the run did: both commands' exit codes, their JSON reports, the node's Kubernetes version, timings. */
    record Outcome(
            ExitCode up,
            String upJson,
            Optional<ExitCode> down,
            String kubernetesVersion,
            Duration upTook,
            Duration downTook) {
        ExitCode exitCode() {
            return down.map(up::worst).orElse(up);
        }
    }

    private final BaseCommand command;
    private final Console console;

    SmokeRun(BaseCommand command) {
        this.command = command;
        this.console = command.console();
    }

    Outcome run(EphemeralK3s node, Target target, Path reports, boolean keep) {
        try {
            Files.createDirectories(reports);
        } catch (IOException e) {
            throw new ConfigException(
                    "--reports " + reports + ": cannot create the directory (" + e.getMessage() + ")", e);
        }
        String kubeVersion = kubernetesVersion(node.kubeconfig());
        console.info("K3s node up: Kubernetes %s (%s)", kubeVersion, node.image());
        List<String> up = new ArrayList<>(List.of(
                "up",
                "--kubeconfig",
                node.kubeconfig().toString(),
                "--yes",
                "-o",
                "json",
                "--junit",
                reports.resolve("up.xml").toString()));
        target.bundle()
                .ifPresentOrElse(
                        bundle ->
                                up.addAll(List.of("--bundle", bundle.directory().toString())),
                        () -> {
                            up.addAll(target.configArgs());
                            target.chartsDirs().forEach(dir -> up.addAll(List.of("--charts-dir", dir.toString())));
                        });
        target.timeout().ifPresent(timeout -> up.addAll(List.of("--timeout", timeout.toSeconds() + "s")));
        Instant started = Instant.now();
        Nested upRun = nested(up);
        Duration upTook = Duration.between(started, Instant.now());
        write(reports.resolve("up.json"), upRun.out());
        Optional<ExitCode> downCode = Optional.empty();
        Duration downTook = Duration.ZERO;
        if (!keep) {
            List<String> down = new ArrayList<>(List.of(
                    "down",
                    "--kubeconfig",
                    node.kubeconfig().toString(),
                    "--yes",
                    "-o",
                    "json",
                    "--junit",
                    reports.resolve("down.xml").toString()));
            down.addAll(target.configArgs());
            Instant downStarted = Instant.now();
            Nested downRun = nested(down);
            downTook = Duration.between(downStarted, Instant.now());
            write(reports.resolve("down.json"), downRun.out());
            downCode = Optional.of(downRun.code());
        }
        return new Outcome(upRun.code(), upRun.out(), downCode, kubeVersion, upTook, downTook);
    }

    /** smoke.json: the node, both runs and the reports, with up's own report inside. */
    static String summaryJson(EphemeralK3s node, Outcome outcome, boolean keep, Optional<BundleInstall> bundle) {
        ObjectNode root = JSON.createObjectNode();
        root.put("command", "smoke");
        root.put("exitCode", outcome.exitCode().code());
        ObjectNode nodeJson = root.putObject("node");
        nodeJson.put("image", node.image());
        nodeJson.put("kubernetesVersion", outcome.kubernetesVersion());
        nodeJson.put("kept", keep);
        nodeJson.put("kubeconfig", keep ? node.kubeconfig().toString() : "");
        bundle.ifPresent(b -> root.putObject("bundle")
                .put("directory", b.directory().toString())
                .put("digest", b.digest()));
        ObjectNode up = root.putObject("up");
        up.put("exitCode", outcome.up().code());
        up.put("durationMs", outcome.upTook().toMillis());
        JsonNode report;
        try {
            report = JSON.readTree(outcome.upJson());
        } catch (RuntimeException e) {
            report = JSON.createObjectNode();
        }
        up.set("report", report);
        ObjectNode down = root.putObject("down");
        down.put("ran", outcome.down().isPresent());
        down.put("exitCode", outcome.down().map(ExitCode::code).orElse(0));
        down.put("durationMs", outcome.downTook().toMillis());
        return JSON.writeValueAsString(root) + "\n";
    }

    private record Nested(ExitCode code, String out) {}

    /** The command as the CLI runs it, in this process: its report captured, its progress on our stderr. */
    private Nested nested(List<String> args) {
        console.info("running: obs-bootstrap %s", String.join(" ", args));
        StringWriter out = new StringWriter();
        CommandLine cli = ObsBootstrapCommand.commandLine(command.signals());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(command.err());
        int code = cli.execute(args.toArray(String[]::new));
        for (ExitCode candidate : ExitCode.values()) {
            if (candidate.code() == code) {
                return new Nested(candidate, out.toString());
            }
        }
        return new Nested(ExitCode.INTERNAL_ERROR, out.toString());
    }

    private static String kubernetesVersion(Path kubeconfig) {
        try (ClusterHub hub = ClusterHub.forKubeconfig(kubeconfig, "", System.getenv())) {
            return hub.target().kubernetesVersion();
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new ConfigException("cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }
}
