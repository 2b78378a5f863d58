package dev.obsbootstrap.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.RecordingConsole;
import dev.obsbootstrap.core.testing.TestConfigs;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CrdsEstablishedProbeTest {
    KubernetesClient client;

    private static CustomResourceDefinition crd(String name, String establishedStatus) {
        String plural = name.substring(0, name.indexOf('.'));
        CustomResourceDefinitionBuilder builder = new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withGroup("monitoring.coreos.com")
                .withScope("Namespaced")
                .withNewNames()
                .withPlural(plural)
                .withKind(plural)
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec();
        if (establishedStatus != null) {
            builder.withNewStatus()
                    .addNewCondition()
                    .withType("NamesAccepted")
                    .withStatus(establishedStatus)
                    .withReason("True".equals(establishedStatus) ? "NoConflicts" : "NameConflict")
                    .endCondition()
                    .addNewCondition()
                    .withType("Established")
                    .withStatus(establishedStatus)
                    .endCondition()
                    .endStatus();
        }
        return builder.build();
    }

    private ProbeResult run(Duration deadline) throws InterruptedException {
        BootstrapConfig config = TestConfigs.builder().probeDeadline(deadline).build();
        try (ClusterProbeContext context = ClusterProbeContext.builder(config, TestConfigs.topology(config), client)
                .build()) {
            return ProbeTesting.runner(new RecordingConsole())
                    .run("crds", new CrdsPhase().probes(config), context)
                    .get(0);
        }
    }

    @Test
    void passesWhenEveryOperatorCrdIsEstablished() throws Exception {
        CrdsEstablishedProbe.PROMETHEUS_OPERATOR_CRDS.forEach(name -> client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd(name, "True"))
                .create());

        ProbeResult result = run(Duration.ofSeconds(5));

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).isEqualTo("10/10 Prometheus Operator CRDs Established");
    }

    @Test
    void failsListingMissingAndNotEstablishedCrds() throws Exception {
        List<String> names = CrdsEstablishedProbe.PROMETHEUS_OPERATOR_CRDS;
        for (String name : names.subList(0, 8)) {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(crd(name, "True"))
                    .create();
        }
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd(names.get(8), "False"))
                .create();

        ProbeResult result = run(Duration.ofMillis(600));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("8/10 Established")
                .contains("missing: thanosrulers.monitoring.coreos.com")
                .contains(
                        "not Established: servicemonitors.monitoring.coreos.com (NamesAccepted=False: NameConflict, Established=False)");
        assertThat(result.hint()).contains("phase crds server-side applies");
    }

    @Test
    void withoutAClusterItFailsAtOnceSayingItNeedsOne() throws Exception {
        BootstrapConfig config =
                TestConfigs.builder().probeDeadline(Duration.ofSeconds(30)).build();

        ProbeResult result =
                ProbeTesting.run(new CrdsPhase().probes(config).get(0), ProbeTesting.context(config, Map.of()));

        assertThat(result.passed()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.lastObserved()).startsWith("needs a cluster");
        assertThat(result.hint()).contains("without --endpoint");
    }
}
