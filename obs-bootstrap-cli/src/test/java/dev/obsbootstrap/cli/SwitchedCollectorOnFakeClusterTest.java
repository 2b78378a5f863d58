package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.run.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * logs.collector switched from promtail to alloy (each its own release): up installs the new collector, and removes
 * the old one only once the logs phase is verified with the new one; down after a switch that never verified removes
 * both. Real Helm on the simulated cluster, the fixture charts of {@link StackCharts} (promtail among them).
 *
 * <p>What it relies on the simulated API server for, as the real one does it: a release's names come from Helm's
 * record Secrets, found by the labels Helm writes ({@code owner=helm}, {@code name}, {@code status}, {@code version};
 * helm/helm v3.21.0 pkg/storage/driver/secrets.go, newSecretsObject and List); an uninstall deletes the objects of the
 * release's manifest and then every revision's record Secret (pkg/action/uninstall.go, deleteRelease then
 * purgeReleases, as obs-bootstrap never keeps history), so a removed release is gone from that label selection; a
 * DELETE of a namespaced object answers 200 and the object is gone from the next list (kubernetes/kubernetes
 * v1.31.0 staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go, Delete; the simulated server does
 * not model finalizers, and the fixture charts set none). The same files at those tags: {@code
 * https://github.com/helm/helm/blob/v3.21.0/pkg/storage/driver/secrets.go},
 * {@code https://github.com/helm/helm/blob/v3.21.0/pkg/action/uninstall.go}, {@code
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SwitchedCollectorOnFakeClusterTest extends StackOnFakeClusterTestBase {
    private static final String PROMTAIL = "logs.collector=promtail";
    private static final String ALLOY = "logs.collector=alloy";

    @Test
    void upRemovesTheOldCollectorOnlyOnceTheLogsPhaseVerifiedWithTheNewOne() throws Exception {
        String ns = "switch-collector";
        CliRun.Result first = up(new ControlledProbes(), ns, "--set", PROMTAIL);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(releaseNames(ns)).contains("obs-promtail").doesNotContain("obs-alloy");

        // the new collector's install succeeds, but the logs phase does not verify: promtail must stay
        CliRun.Result unverified = up(new ControlledProbes().failIn("logs"), ns, "--set", ALLOY);

        assertThat(unverified.code()).as(unverified.err()).isEqualTo(1);
        assertThat(releaseNames(ns)).contains("obs-promtail", "obs-alloy");
        assertThat(unverified.err())
                .contains("obs-promtail kept until this phase is verified with obs-loki, obs-alloy");
        LedgerEntry logs = ledger(ns).entry("logs").orElseThrow();
        assertThat(logs.revisions()).containsOnlyKeys("obs-loki", "obs-alloy");
        assertThat(logs.replaced()).containsOnlyKeys("obs-promtail");
        assertThat(statusRows(status(ns, "--set", ALLOY).out()).get("obs-promtail"))
                .as("status shows the old collector still running, and why")
                .containsEntry("PHASE", "logs")
                .containsEntry("REVISION", "1 deployed")
                .containsEntry("READY", "1/1")
                .containsEntry(
                        "DRIFT", "yes: replaced by this config, removed by the up that verifies phase logs; run up");

        // verified this time: promtail is still there while the logs probe runs, and gone after it
        List<List<String>> releasesAtProbe = new CopyOnWriteArrayList<>();
        ControlledProbes probes =
                new ControlledProbes().onProbe(phase -> releasesAtProbe.add(List.of(phase, releaseList(ns))));
        Path junit = tmp.resolve("reports/switch-collector.xml");

        CliRun.Result switched = up(probes, ns, "--set", ALLOY, "-o", "json", "--junit", junit.toString());

        assertThat(switched.code()).as(switched.err()).isZero();
        assertThat(releasesAtProbe)
                .filteredOn(entry -> entry.get(0).equals("logs"))
                .singleElement()
                .satisfies(entry -> assertThat(entry.get(1)).contains("obs-promtail", "obs-alloy"));
        awaitGone(ns, "obs-promtail");
        assertThat(releaseNames(ns)).contains("obs-loki", "obs-alloy").doesNotContain("obs-promtail");
        assertThat(cluster.client()
                        .apps()
                        .daemonSets()
                        .inNamespace(ns)
                        .withName("obs-promtail")
                        .get())
                .isNull();
        assertThat(switched.err()).contains("obs-promtail (promtail, revision 1) uninstalled");
        assertThat(ledger(ns).entry("logs").orElseThrow().replaced()).isEmpty();

        JsonNode logsPhase = JSON.readTree(switched.out()).get("phases").get(2);
        assertThat(logsPhase.get("status").asString()).isEqualTo("VERIFIED");
        JsonNode removed = null;
        for (JsonNode release : logsPhase.get("releases")) {
            if (release.get("release").asString().equals("obs-promtail")) {
                removed = release;
            }
        }
        assertThat(removed).as(logsPhase.toString()).isNotNull();
        assertThat(removed.get("action").asString()).isEqualTo("uninstalled (replaced)");
        assertThat(Files.readString(junit)).contains("obs-promtail", "uninstalled (replaced)");

        // nothing left to replace: the next up neither removes nor mentions it
        CliRun.Result again = up(new ControlledProbes(), ns, "--set", ALLOY);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("obs-promtail");
    }

    @Test
    void aPromtailReleaseObsBootstrapDidNotInstallIsLeftAlone() {
        String ns = "switch-foreign";
        CliRun.Result first = up(new ControlledProbes(), ns, "--set", ALLOY);
        assertThat(first.code()).as(first.err()).isZero();
        // someone installs a promtail release of that name by hand
        new com.marcnuri.helm.Helm(charts.resolve("promtail"))
                .install()
                .withName("obs-promtail")
                .withNamespace(ns)
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();

        CliRun.Result again = up(new ControlledProbes(), ns, "--set", ALLOY);

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(releaseNames(ns)).contains("obs-promtail");
        assertThat(again.err()).contains("obs-bootstrap did not install it (its ledger does not know it): left alone");

        // what the removal relies on is in the class comment (helm/helm v3.21.0 pkg/action/uninstall.go;
        // kubernetes/kubernetes v1.31.0 staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go, Delete)
        CliRun.Result down = down(ns, "--set", ALLOY, "--yes");
        assertThat(down.code()).as(down.err()).isZero();
        Awaitility.await("down removes the stack's releases, and only those")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> releaseNames(ns).equals(List.of("obs-promtail")));
    }

    @Test
    void downAfterASwitchThatNeverVerifiedRemovesBothCollectors() {
        String ns = "switch-down";
        CliRun.Result first = up(new ControlledProbes(), ns, "--set", PROMTAIL);
        assertThat(first.code()).as(first.err()).isZero();
        CliRun.Result unverified = up(new ControlledProbes().failIn("logs"), ns, "--set", ALLOY);
        assertThat(unverified.code()).as(unverified.err()).isEqualTo(1);
        assertThat(releaseNames(ns)).contains("obs-promtail", "obs-alloy");

        // as above: helm/helm v3.21.0 pkg/action/uninstall.go purges every revision's record Secret, which the
        // release-name selection (pkg/storage/driver/secrets.go, List by label) then no longer finds
        CliRun.Result down = down(ns, "--set", ALLOY, "--yes");

        assertThat(down.code()).as(down.err()).isZero();
        awaitGone(ns, "obs-promtail");
        Awaitility.await("every release removed")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> releaseNames(ns).isEmpty());
        assertThat(ledger(ns).phases()).isEmpty();
    }

    /** The releases with a Helm record now, as one string (for a probe's callback, which must not fail). */
    private static String releaseList(String namespace) {
        return String.join(",", releaseNames(namespace));
    }

    private static void awaitGone(String namespace, String release) {
        Awaitility.await(release + " uninstalled")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !releaseNames(namespace).contains(release));
    }
}
