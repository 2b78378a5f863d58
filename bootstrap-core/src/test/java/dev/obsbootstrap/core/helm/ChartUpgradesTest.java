package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.ChartRef;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChartUpgradesTest {
    private static final ChartRef PIN = new ChartRef("https://charts.example", "store", "18.11.0");

    @Test
    void aNewerMajorIsBreakingAndTheNewestInTheMajorIsNamedToo() {
        ChartUpgrades.Outlook outlook =
                ChartUpgrades.of(PIN, List.of("17.0.0", "18.11.0", "18.12.1", "18.9.9", "19.0.0", "19.1.0"));

        assertThat(outlook.inMajor()).contains("18.12.1");
        assertThat(outlook.newest()).contains("19.1.0");
        assertThat(outlook.breaking()).isTrue();
        assertThat(outlook.upToDate()).isFalse();
    }

    @Test
    void preReleasesAndOlderOrOddVersionsAreNotUpgrades() {
        ChartUpgrades.Outlook outlook = ChartUpgrades.of(PIN, List.of("19.0.0-rc.1", "18.10.3", "latest", "18.11.0"));

        assertThat(outlook.upToDate()).isTrue();
        assertThat(outlook.inMajor()).isEmpty();
        assertThat(outlook.breaking()).isFalse();
    }

    @Test
    void versionsCompareAsNumbersNotText() {
        ChartUpgrades.Outlook outlook = ChartUpgrades.of(PIN, List.of("18.2.0", "18.100.0", "18.11.10"));

        assertThat(outlook.newest()).isEqualTo(Optional.of("18.100.0"));
        assertThat(outlook.breaking()).isFalse();
    }
}
