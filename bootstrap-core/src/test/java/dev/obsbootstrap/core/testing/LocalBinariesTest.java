package dev.obsbootstrap.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class LocalBinariesTest {
    @Test
    void aMissingBinarySkipsLocallyAndFailsInCi() {
        assertThatThrownBy(() -> LocalBinaries.require("obs-bootstrap-no-such-binary", "no-such-package", false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get install -y no-such-package");
        assertThatThrownBy(() -> LocalBinaries.require("obs-bootstrap-no-such-binary", "no-such-package", true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("CI=true");
    }

    @Test
    void findsBinariesOnThePath() {
        assertThat(LocalBinaries.find("sh")).isPresent();
    }
}
