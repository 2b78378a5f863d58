package dev.obsbootstrap.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ledger ConfigMap on the simulated cluster. A store remembers the ConfigMap it last read or wrote, so a run's
 * writes are one request each; what someone else did in between (another writer, a deletion) must not be lost or fail.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigMapLedgerStoreTest {
    static FakeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.builder().namespaces("existing").start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void theFirstWriteCreatesNamespaceAndConfigMapAndLaterWritesAreOneRequestEach() {
        ConfigMapLedgerStore store = new ConfigMapLedgerStore(cluster.client(), "fresh");
        assertThat(store.read()).isEqualTo(LedgerState.empty());

        store.write(state("run-1", "running"));
        int before = cluster.requests().size();
        store.write(state("run-1", "finished"));
        List<String> requests =
                cluster.requests().subList(before, cluster.requests().size());

        assertThat(cluster.client().namespaces().withName("fresh").get()).isNotNull();
        assertThat(new ConfigMapLedgerStore(cluster.client(), "fresh")
                        .read()
                        .lastRun()
                        .state())
                .isEqualTo(RunState.FINISHED);
        assertThat(requests)
                .singleElement()
                .asString()
                .contains("PUT /api/v1/namespaces/fresh/configmaps/" + ConfigMapLedgerStore.NAME);
    }

    /** Each write dumps only the entries it has not written before: a changed or replaced one is always written anew. */
    @Test
    void successiveWritesOfAChangingLedgerReadBackAsWritten() {
        ConfigMapLedgerStore store = new ConfigMapLedgerStore(cluster.client(), "successive");
        LedgerState state = state("run-1", "running").with(entry("crds")).with(entry("logs"));
        store.write(state);
        LedgerEntry logs = state.entry("logs").orElseThrow();
        LedgerState next = state.with(new LedgerEntry(
                "logs",
                "sha256:2",
                Map.of(),
                Map.of("obs-loki", 3),
                PhaseStatus.VERIFY_FAILED,
                logs.at(),
                "run-2",
                Map.of(),
                Map.of()));

        store.write(next);
        assertThat(new ConfigMapLedgerStore(cluster.client(), "successive").read())
                .isEqualTo(next);
        store.write(state);
        assertThat(new ConfigMapLedgerStore(cluster.client(), "successive").read())
                .isEqualTo(state);
    }

    @Test
    void aWriteAfterSomeoneElseWroteReplacesTheirData() {
        ConfigMapLedgerStore mine = new ConfigMapLedgerStore(cluster.client(), "existing");
        ConfigMapLedgerStore theirs = new ConfigMapLedgerStore(cluster.client(), "existing");
        mine.write(state("mine-1", "running"));
        theirs.read();
        theirs.write(state("theirs-1", "running").with(entry("logs")));

        int before = cluster.requests().size();
        mine.write(state("mine-1", "finished"));
        List<String> requests =
                cluster.requests().subList(before, cluster.requests().size());

        assertThat(requests)
                .as("the stale write is refused, then retried on what is there now")
                .anyMatch(
                        line -> line.contains("PUT /api/v1/namespaces/existing/configmaps/") && line.endsWith("-> 409"))
                .last()
                .asString()
                .contains("PUT")
                .endsWith("-> 200");

        LedgerState now = new ConfigMapLedgerStore(cluster.client(), "existing").read();
        assertThat(now.lastRun().runId()).isEqualTo("mine-1");
        assertThat(now.phases()).as("the data is replaced wholesale, as before").isEmpty();
    }

    @Test
    void aWriteAfterTheConfigMapWasDeletedCreatesItAgain() {
        ConfigMapLedgerStore store = new ConfigMapLedgerStore(cluster.client(), "deleted");
        store.write(state("run-1", "running"));
        cluster.client()
                .configMaps()
                .inNamespace("deleted")
                .withName(ConfigMapLedgerStore.NAME)
                .delete();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.client()
                                .configMaps()
                                .inNamespace("deleted")
                                .withName(ConfigMapLedgerStore.NAME)
                                .get()
                        == null);

        int before = cluster.requests().size();
        store.write(state("run-1", "finished").with(entry("crds")));
        List<String> requests =
                cluster.requests().subList(before, cluster.requests().size());

        assertThat(requests)
                .anyMatch(
                        line -> line.contains("PUT /api/v1/namespaces/deleted/configmaps/") && line.endsWith("-> 404"))
                .last()
                .asString()
                .contains("POST /api/v1/namespaces/deleted/configmaps")
                .endsWith("-> 201");

        ConfigMap configMap = cluster.client()
                .configMaps()
                .inNamespace("deleted")
                .withName(ConfigMapLedgerStore.NAME)
                .get();
        assertThat(configMap.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "obs-bootstrap");
        assertThat(ConfigMapLedgerStore.decode(configMap.getData()).entry("crds"))
                .isPresent();
    }

    private static LedgerState state(String runId, String runState) {
        return LedgerState.empty()
                .withLastRun(new LedgerState.LastRun(
                        runId,
                        RunState.of(runState),
                        "",
                        Instant.parse("2026-11-26T10:00:00Z"),
                        "tester@host pid 1",
                        Map.of()));
    }

    private static LedgerEntry entry(String phase) {
        return new LedgerEntry(
                phase,
                "sha256:1",
                Map.of(),
                Map.of(),
                PhaseStatus.VERIFIED,
                Instant.parse("2026-11-26T10:00:00Z"),
                "r",
                Map.of(),
                Map.of());
    }
}
