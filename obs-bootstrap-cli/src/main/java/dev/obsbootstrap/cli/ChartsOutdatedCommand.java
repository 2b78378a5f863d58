package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartRepositoryClient;
import dev.obsbootstrap.core.helm.ChartUpgrades;
import dev.obsbootstrap.core.phase.Phase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code charts outdated}: the pins (the catalog's, with the config's overrides) against what their repositories
 * offer now, and the order to take the upgrades in. A standalone class: the {@code charts} parent wires it in.
 */
@Command(
        name = "outdated",
        mixinStandardHelpOptions = true,
        description = {
            "Compare every pinned chart with its repository (index.yaml, or the OCI registry's tags): the newest release "
                    + "in the pin's major and the newest overall, breaking majors named, and the upgrade path: "
                    + "CRDs first, then the releases in phase order.",
            "Exit 0 when every pin is the newest release, 1 when a newer one exists, 2 on bad input, 3 when a "
                    + "repository cannot be reached (those it could reach are still listed)."
        })
public final class ChartsOutdatedCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    DocumentOutput output;

    /** Made in doCall, not here: picocli creates this command for --help too, which must not start an HTTP client. */
    private ChartRepositoryClient repositories;

    /** Tests talk to their own repository. */
    void useRepositories(ChartRepositoryClient client) {
        this.repositories = client;
    }

    @Override
    protected ExitCode doCall() {
        if (repositories == null) {
            repositories = ChartRepositoryClient.create();
        }
        BootstrapConfig config = loadConfig(configOptions);
        List<String> order = installOrder(config);
        Map<String, ChartUpgrades.Outlook> outlooks = new LinkedHashMap<>();
        Map<String, String> unreachable = new LinkedHashMap<>();
        Map<String, String> failedRepositories = new LinkedHashMap<>();
        for (String id : order) {
            ChartRef pin =
                    config.charts().getOrDefault(id, catalog().component(id).chart());
            String repository = pin.isOci() ? pin.repository() + "/" + pin.name() : pin.repository();
            if (failedRepositories.containsKey(repository)) {
                unreachable.put(id, failedRepositories.get(repository));
                continue;
            }
            try {
                outlooks.put(id, ChartUpgrades.of(pin, repositories.versions(pin)));
            } catch (IOException e) {
                String reason = repository + ": " + e.getMessage();
                failedRepositories.put(repository, reason);
                unreachable.put(id, reason);
            }
        }
        List<String> path = upgradePath(outlooks);
        if (output.isText()) {
            printText(outlooks, unreachable, path);
        } else {
            DocumentOutput.print(out(), output.format(), document(outlooks, unreachable, path));
        }
        if (!unreachable.isEmpty()) {
            console()
                    .error(
                            "%s",
                            new ClusterException("cannot reach " + failedRepositories.size() + " chart repositor"
                                            + (failedRepositories.size() == 1 ? "y" : "ies") + " ("
                                            + String.join("; ", failedRepositories.values())
                                            + "); check the network or a proxy (HTTPS_PROXY), or the charts: "
                                            + "override in the config")
                                    .getMessage());
            return ExitCode.CLUSTER_FAILURE;
        }
        return outlooks.values().stream().allMatch(ChartUpgrades.Outlook::upToDate)
                ? ExitCode.OK
                : ExitCode.VERIFY_FAILED;
    }

    /** Every catalog component: those the config installs in phase order, then the rest (switched off here). */
    private List<String> installOrder(BootstrapConfig config) {
        Set<String> order = new LinkedHashSet<>();
        for (Phase phase : phasePlan().ordered()) {
            if (phase.enabled(config)) {
                order.addAll(phase.components(config));
            }
        }
        order.addAll(catalog().components().keySet());
        return List.copyOf(order);
    }

    private boolean bringsCrds(String id) {
        ComponentSpec spec = catalog().component(id);
        return spec.mode() == InstallMode.APPLY_CRDS;
    }

    /** The upgrades in the order to take them: releases that bring CRDs first, then the others in install order. */
    private List<String> upgradePath(Map<String, ChartUpgrades.Outlook> outlooks) {
        List<String> steps = new ArrayList<>();
        List<String> crdsFirst = new ArrayList<>();
        List<String> others = new ArrayList<>();
        outlooks.forEach((id, outlook) -> {
            if (!outlook.upToDate()) {
                (bringsCrds(id) ? crdsFirst : others).add(id);
            }
        });
        for (String id : crdsFirst) {
            steps.add(step(id, outlooks.get(id))
                    + ": CRDs first, server-side applied and Established before any release that renders their "
                    + "resources is upgraded");
        }
        for (String id : others) {
            steps.add(step(id, outlooks.get(id)));
        }
        return steps;
    }

    private static String step(String id, ChartUpgrades.Outlook outlook) {
        String target = outlook.newest().orElseThrow();
        String text = id + " " + outlook.pin().version() + " -> " + target;
        if (outlook.breaking()) {
            text += " (breaking: chart major " + major(outlook.pin().version()) + " -> " + major(target)
                    + "; read the chart's upgrade notes for " + major(target) + ".0.0"
                    + outlook.inMajor()
                            .map(v -> ", or stay in the major with " + v)
                            .orElse("") + ")";
        }
        return text;
    }

    private static String major(String version) {
        String trimmed = version.startsWith("v") ? version.substring(1) : version;
        int dot = trimmed.indexOf('.');
        return dot < 0 ? trimmed : trimmed.substring(0, dot);
    }

    private void printText(
            Map<String, ChartUpgrades.Outlook> outlooks, Map<String, String> unreachable, List<String> path) {
        Table table = new Table("COMPONENT", "CHART", "PINNED", "NEWEST IN MAJOR", "NEWEST", "NOTE");
        outlooks.forEach((id, outlook) -> table.row(
                id,
                outlook.pin().name(),
                outlook.pin().version(),
                outlook.inMajor().orElse("-"),
                outlook.newest().orElse("-"),
                outlook.upToDate() ? "up to date" : outlook.breaking() ? "breaking major" : "update"));
        unreachable.forEach((id, reason) ->
                table.row(id, catalog().component(id).chart().name(), "?", "?", "?", "repository not reached"));
        table.print(out());
        if (!path.isEmpty()) {
            out().println("upgrade path:");
            for (int i = 0; i < path.size(); i++) {
                out().println("  " + (i + 1) + ". " + path.get(i));
            }
        }
        out().flush();
    }

    private static Map<String, Object> document(
            Map<String, ChartUpgrades.Outlook> outlooks, Map<String, String> unreachable, List<String> path) {
        List<Map<String, Object>> charts = new ArrayList<>();
        outlooks.forEach((id, outlook) -> {
            Map<String, Object> chart = new LinkedHashMap<>();
            chart.put("component", id);
            chart.put("chart", outlook.pin().name());
            chart.put("repository", outlook.pin().repository());
            chart.put("pinned", outlook.pin().version());
            chart.put("newestInMajor", outlook.inMajor().orElse(null));
            chart.put("newest", outlook.newest().orElse(null));
            chart.put("breaking", outlook.breaking());
            charts.add(chart);
        });
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("charts", charts);
        document.put("unreachable", unreachable);
        document.put("upgradePath", path);
        return document;
    }
}
