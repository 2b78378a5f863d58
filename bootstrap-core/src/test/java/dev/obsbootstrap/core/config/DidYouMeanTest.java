package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
    private static final List<String> CLUSTER_KEYS =
            List.of("context", "namespace", "protectedContexts", "protectedPatterns");

    @Test
    void distanceCountsAnAdjacentSwapAsOneEdit() {
        assertThat(DidYouMean.distance("namesapce", "namespace")).isEqualTo(1);
        assertThat(DidYouMean.distance("tracs", "traces")).isEqualTo(1);
        assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
    }

    @Test
    void suggestsCloseMatchesOnly() {
        assertThat(DidYouMean.closest("namesapce", CLUSTER_KEYS)).contains("namespace");
        assertThat(DidYouMean.closest("Namespace", CLUSTER_KEYS)).contains("namespace");
        assertThat(DidYouMean.closest("protectedContext", CLUSTER_KEYS)).contains("protectedContexts");
        assertThat(DidYouMean.closest("prometheus-stack", List.of("loki", "kube-prometheus-stack")))
                .contains("kube-prometheus-stack");
        assertThat(DidYouMean.closest("zone", CLUSTER_KEYS)).isEmpty();
        // a one-letter word is never "a typo" of a two-letter one
        assertThat(DidYouMean.closest("a", List.of("ci"))).isEmpty();
    }

    @Test
    void hintListsTheCandidatesWhenNothingIsClose() {
        assertThat(DidYouMean.hint("namesapce", CLUSTER_KEYS)).isEqualTo("did you mean 'namespace'?");
        assertThat(DidYouMean.hint("zone", CLUSTER_KEYS))
                .isEqualTo("expected one of: context, namespace, protectedContexts, protectedPatterns");
    }
}
