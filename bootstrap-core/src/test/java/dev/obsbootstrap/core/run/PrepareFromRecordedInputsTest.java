package dev.obsbootstrap.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.cluster.FailFast;
import dev.obsbootstrap.core.cluster.StackSecrets;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.plan.PlanFixtures;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeRunner;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an unchanged {@code up} saves: a phase whose render inputs the ledger recorded is prepared from the recorded
 * digests without rendering, and renders the moment anything reads its values; any other phase renders as before.
 */
class PrepareFromRecordedInputsTest {
    @TempDir
    Path cache;

    private final BootstrapConfig config = PlanFixtures.config(true, Map.of());
    private final StackTopology topology = PlanFixtures.topology();
    private final Phase logs = PlanFixtures.phases().phase("logs");
    private final List<String> rendered = new ArrayList<>();
    private final KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:9").build())
            .build();
    /** What the values source says the inputs are: a change here is a change to a template, a setting, the code. */
    private String inputsVersion = "1";

    private boolean digests = true;

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void aPhaseWithoutARecordedEntryIsRenderedAndItsInputsDigested() throws InterruptedException {
        PreparedPhase prepared = actions().prepare(logs, Optional::empty);

        assertThat(rendered).containsExactly("log-store", "node-agent");
        assertThat(prepared.inputsHash()).startsWith("sha256:");
        assertThat(prepared.configHash()).isEqualTo(actions().prepare(logs).configHash());
    }

    @Test
    void theSameInputsAsRecordedTakeTheRecordedDigestsAndRenderNothingUntilTheValuesAreRead()
            throws InterruptedException {
        PreparedPhase first = actions().prepare(logs, Optional::empty);
        rendered.clear();
        ClusterPhaseActions again = actions();

        PreparedPhase second = again.prepare(logs, () -> Optional.of(entry(first)));

        assertThat(rendered).as("no template rendered").isEmpty();
        assertThat(second.configHash()).isEqualTo(first.configHash());
        assertThat(second.releaseHashes()).isEqualTo(first.releaseHashes());
        assertThat(second.inputsHash()).isEqualTo(first.inputsHash());
        assertThat(second.releases()).isEqualTo(first.releases());
        assertThat(again.inventory(second))
                .as("anything that needs the manifests renders the values then, the same ones")
                .containsOnlyKeys("obs-loki", "obs-alloy");
        assertThat(rendered).containsExactly("log-store", "node-agent");
    }

    @Test
    void otherInputsThanRecordedRenderAndAreRecordedAnew() throws InterruptedException {
        PreparedPhase first = actions().prepare(logs, Optional::empty);
        rendered.clear();
        inputsVersion = "2";

        PreparedPhase second = actions().prepare(logs, () -> Optional.of(entry(first)));

        assertThat(rendered).containsExactly("log-store", "node-agent");
        assertThat(second.inputsHash()).isNotEqualTo(first.inputsHash());
        assertThat(second.configHash())
                .as("the values themselves did not change")
                .isEqualTo(first.configHash());
    }

    @Test
    void aSourceThatCannotDigestItsInputsAlwaysRenders() throws InterruptedException {
        PreparedPhase first = actions().prepare(logs, Optional::empty);
        digests = false;
        rendered.clear();

        PreparedPhase second = actions().prepare(logs, () -> Optional.of(entry(first)));

        assertThat(rendered).containsExactly("log-store", "node-agent");
        assertThat(second.inputsHash()).isEmpty();
    }

    @Test
    void anEntryRecordedBeforeInputsWereKnownIsRenderedAgain() throws InterruptedException {
        PreparedPhase first = actions().prepare(logs, Optional::empty);
        rendered.clear();
        LedgerEntry old = entry(first);
        LedgerEntry withoutInputs = new LedgerEntry(
                old.phaseId(),
                old.configHash(),
                old.charts(),
                old.revisions(),
                old.verdict(),
                old.at(),
                old.runId(),
                old.objects(),
                old.releaseHashes());

        actions().prepare(logs, () -> Optional.of(withoutInputs));

        assertThat(rendered).containsExactly("log-store", "node-agent");
    }

    private static LedgerEntry entry(PreparedPhase prepared) {
        return new LedgerEntry(
                prepared.phaseId(),
                prepared.configHash(),
                prepared.releases(),
                Map.of(),
                PhaseStatus.VERIFIED,
                Instant.parse("2026-12-07T08:00:00Z"),
                "run-1",
                Map.of(),
                prepared.releaseHashes(),
                Map.of(),
                prepared.inputsHash());
    }

    private ClusterPhaseActions actions() {
        ReleaseRenderer renderer = new ReleaseRenderer(PlanFixtures.charts(cache), new ReleaseRenderer.ValuesSource() {
            @Override
            public ReleaseSpec.Values render(ComponentSpec component, String kubeVersion) {
                rendered.add(component.id());
                return PlanFixtures.values(component);
            }

            @Override
            public Optional<String> inputsDigest(ComponentSpec component, String kubeVersion) {
                return digests ? Optional.of(component.id() + "@" + inputsVersion) : Optional.empty();
            }
        });
        return new ClusterPhaseActions(
                config,
                topology,
                client,
                HelmJavaDriver.templateOnly(),
                renderer,
                new StackSecrets(client, Map.of()),
                new ProbeRunner(SilentConsole.INSTANCE),
                (ProbeContext) Proxy.newProxyInstance(
                        ProbeContext.class.getClassLoader(), new Class<?>[] {ProbeContext.class}, (p, m, a) -> {
                            throw new AssertionError("no probe runs while preparing");
                        }),
                "1.31.0",
                Optional.empty(),
                "run-2",
                FailFast.DEFAULT,
                SilentConsole.INSTANCE);
    }
}
