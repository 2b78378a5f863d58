package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.SetOverride.Segment.Index;
import dev.obsbootstrap.core.config.SetOverride.Segment.Key;
import org.junit.jupiter.api.Test;

class SetOverrideTest {
    @Test
    void splitsAtTheFirstEquals() {
        SetOverride set = SetOverride.parse("cluster.context=arn:aws:eks:eu-west-1:123:cluster/a=b");
        assertThat(set.path()).containsExactly(new Key("cluster"), new Key("context"));
        assertThat(set.value()).isEqualTo("arn:aws:eks:eu-west-1:123:cluster/a=b");
        assertThat(set.pathText()).isEqualTo("cluster.context");
        assertThat(set.location().toString()).isEqualTo("--set cluster.context=arn:aws:eks:eu-west-1:123:cluster/a=b");
    }

    @Test
    void readsListIndexesAndEscapedDots() {
        SetOverride set = SetOverride.parse("alerting.receivers[2].url.fromEnv=X");
        assertThat(set.path())
                .containsExactly(
                        new Key("alerting"), new Key("receivers"), new Index(2), new Key("url"), new Key("fromEnv"));
        assertThat(set.pathText()).isEqualTo("alerting.receivers[2].url.fromEnv");

        SetOverride escaped = SetOverride.parse("values.loki.podLabels.app\\.kubernetes\\.io/name=obs");
        assertThat(escaped.path())
                .containsExactly(
                        new Key("values"), new Key("loki"), new Key("podLabels"), new Key("app.kubernetes.io/name"));

        SetOverride nested = SetOverride.parse("a[0][1]=x");
        assertThat(nested.path()).containsExactly(new Key("a"), new Index(0), new Index(1));
    }

    @Test
    void emptyValueIsKept() {
        assertThat(SetOverride.parse("cluster.context=").value()).isEmpty();
    }

    @Test
    void redactedLocationHidesTheValue() {
        assertThat(SetOverride.parse("alerting.receivers[0].url=https://secret")
                        .location()
                        .redacted()
                        .toString())
                .isEqualTo("--set alerting.receivers[0].url=<redacted>");
        assertThat(new SourceLocation("f.yaml", 3, 4).redacted().toString()).isEqualTo("f.yaml:3:4");
    }

    @Test
    void optionOverrideTakesTheValueAsTextAndNamesTheOption() {
        SetOverride option = SetOverride.forOption("--context", "cluster.context", "yes");
        assertThat(option.path()).containsExactly(new Key("cluster"), new Key("context"));
        assertThat(option.yaml()).isFalse();
        assertThat(option.location().toString()).isEqualTo("--context yes");
    }
}
