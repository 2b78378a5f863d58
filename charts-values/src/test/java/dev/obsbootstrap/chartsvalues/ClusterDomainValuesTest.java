package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cluster.domain reaches the one client that resolves full names itself, Loki's nginx gateway (review N9). */
class ClusterDomainValuesTest {
    @Test
    void theGatewayResolvesNamesInTheClustersOwnDomain() {
        BootstrapConfig plain = StackFixture.minimalConfig(StackFixture.profile("ci"));
        BootstrapConfig corp = new BootstrapConfig(
                plain.source(),
                plain.profile(),
                new BootstrapConfig.ClusterSettings(
                        "", plain.namespace(), List.of(), List.of(), "obs", false, "", "corp.internal"),
                plain.phases(),
                plain.charts(),
                plain.values(),
                plain.sections());
        StackTopology topology = StackFixture.topology(plain.namespace());

        String yaml = new ValuesRenderer()
                .render(topology.component("loki"), corp, topology, StackFixture.KUBE_VERSION)
                .yaml();

        assertThat(yaml)
                .contains("clusterDomain: corp.internal")
                .contains(".svc.corp.internal:3100")
                .doesNotContain("cluster.local");
    }
}
