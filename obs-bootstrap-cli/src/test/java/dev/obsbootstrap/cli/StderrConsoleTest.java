package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.obsbootstrap.cli.StderrConsole.Mode;
import dev.obsbootstrap.core.console.Console;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StderrConsoleTest {
    private static final String ERASE = "\r\u001b[2K";

    private final StringWriter captured = new StringWriter();
    private final long[] now = {5_000_000_000L};

    private StderrConsole console(Mode mode, boolean color, boolean verbose) {
        return new StderrConsole(new PrintWriter(captured), mode, color, verbose, 60, () -> now[0]);
    }

    private void advanceSeconds(long seconds) {
        now[0] += seconds * 1_000_000_000L;
    }

    @Nested
    class Plain {
        @Test
        void linesAreWholeAndCarryNoAnsiEvenWhenColourWasAskedFor() {
            StderrConsole console = console(Mode.PLAIN, true, false);

            console.info("loaded %s", "ci");
            console.warn("careful");
            console.error("broken: %d", 3);
            console.progress("waiting");

            assertThat(captured.toString()).isEqualTo("loaded ci\nwarning: careful\nerror: broken: 3\n0s waiting\n");
        }

        @Test
        void progressIsPrintedOnlyWhenItsTextChanges() {
            StderrConsole console = console(Mode.PLAIN, false, false);

            console.progress("metrics: %d/5 ready", 3);
            advanceSeconds(3);
            console.progress("metrics: %d/5 ready", 3);
            console.debug("not shown without -v");
            advanceSeconds(9);
            console.progress("metrics: %d/5 ready", 4);
            console.progress("metrics: %d/5 ready", 4);

            assertThat(captured.toString()).isEqualTo("0s metrics: 3/5 ready\n12s metrics: 4/5 ready\n");
        }

        @Test
        void elapsedTimesAndTryCountersAloneAreNoChangeButAHeartbeatRepeatsTheLine() {
            StderrConsole console = console(Mode.PLAIN, false, false);

            console.progress("alertmanager-ready: try %d, %s: connection refused (127.0.0.1:19093)", 1, "46ms");
            advanceSeconds(2);
            console.progress("alertmanager-ready: try %d, %s: connection refused (127.0.0.1:19093)", 2, "2s");
            advanceSeconds(27);
            console.progress("alertmanager-ready: try %d, %s: connection refused (127.0.0.1:19093)", 15, "1m29s");
            advanceSeconds(1);
            console.progress("alertmanager-ready: try %d, %s: connection refused (127.0.0.1:19093)", 16, "1m30s");
            console.progress("alertmanager-ready: try %d, %s: HTTP 503", 17, "1m30s");

            assertThat(captured.toString())
                    .isEqualTo("0s alertmanager-ready: try 1, 46ms: connection refused (127.0.0.1:19093)\n"
                            + "30s alertmanager-ready: try 16, 1m30s: connection refused (127.0.0.1:19093)\n"
                            + "30s alertmanager-ready: try 17, 1m30s: HTTP 503\n");
        }

        @Test
        void aNewLocalPortForEachTryIsNoChange() {
            StderrConsole console = console(Mode.PLAIN, false, false);

            console.progress(
                    "grafana-datasources: try %d, %s: GET http://127.0.0.1:%d/api/health: refused", 1, "1s", 41233);
            advanceSeconds(2);
            console.progress(
                    "grafana-datasources: try %d, %s: GET http://127.0.0.1:%d/api/health: refused", 2, "3s", 38811);
            console.progress(
                    "grafana-datasources: try %d, %s: GET http://localhost:%d/api/health: HTTP 502", 3, "4s", 40001);

            assertThat(captured.toString())
                    .isEqualTo("0s grafana-datasources: try 1, 1s: GET http://127.0.0.1:41233/api/health: refused\n"
                            + "2s grafana-datasources: try 3, 4s: GET http://localhost:40001/api/health: HTTP 502\n");
        }

        @Test
        void aHeartbeatRepeatsTheLastLineWhenNothingWasPrintedFor30Seconds() {
            StderrConsole console = console(Mode.PLAIN, false, false);
            console.forPhase("logs").info("installing release obs-loki (loki@18.11.0)");

            advanceSeconds(29);
            console.heartbeat();
            advanceSeconds(1);
            console.heartbeat();
            advanceSeconds(10);
            console.heartbeat();
            advanceSeconds(20);
            console.heartbeat();

            assertThat(captured.toString())
                    .isEqualTo("[logs] installing release obs-loki (loki@18.11.0)\n"
                            + "30s still: [logs] installing release obs-loki (loki@18.11.0)\n"
                            + "1m00s still: [logs] installing release obs-loki (loki@18.11.0)\n");
        }

        @Test
        void aHeartbeatIsNotNeededWhileLinesKeepComing() {
            StderrConsole console = console(Mode.PLAIN, false, false);
            for (int i = 0; i < 6; i++) {
                console.progress("obs-loki: %d/2 ready", i % 2);
                advanceSeconds(10);
                console.heartbeat();
            }

            assertThat(captured.toString()).doesNotContain("still:");
        }

        @Test
        void forPhaseTagsEveryLineAndTheTagIsPartOfTheProgressText() {
            StderrConsole console = console(Mode.PLAIN, false, false);
            Console alerting = console.forPhase("alerting");

            alerting.info("2 probes");
            alerting.progress("watchdog");
            console.progress("watchdog");
            alerting.forPhase("alertmanager").warn("slow");

            assertThat(captured.toString())
                    .isEqualTo(
                            "[alerting] 2 probes\n0s [alerting] watchdog\n0s watchdog\nwarning: [alerting] [alertmanager] slow\n");
        }

        @Test
        void debugLinesNeedVerbose() {
            console(Mode.PLAIN, false, true).debug("GET %s", "http://127.0.0.1:9090/-/ready");

            assertThat(captured.toString()).isEqualTo("debug: GET http://127.0.0.1:9090/-/ready\n");
        }

        @Test
        void longRunsShowMinutes() {
            StderrConsole console = console(Mode.PLAIN, false, false);
            advanceSeconds(125);

            console.progress("still going");

            assertThat(captured.toString()).isEqualTo("2m05s still going\n");
        }
    }

    @Nested
    class Terminal {
        @Test
        void progressIsRedrawnInPlaceAndALineClearsItFirst() {
            StderrConsole console = console(Mode.TERMINAL, false, false);

            console.progress("attempt 1");
            advanceSeconds(2);
            console.progress("attempt 1");
            console.info("done");

            assertThat(captured.toString())
                    .isEqualTo(ERASE + "0s attempt 1" + ERASE + "2s attempt 1" + ERASE + "done\n");
        }

        @Test
        void coloursLevelsTagsAndElapsed() {
            StderrConsole console = console(Mode.TERMINAL, true, true);

            console.forPhase("logs").warn("slow");
            console.error("broken");
            console.debug("detail");
            console.forPhase("logs").progress("push");

            assertThat(captured.toString())
                    .isEqualTo("\u001b[33mwarning: \u001b[0m\u001b[36m[logs] \u001b[0mslow\n"
                            + "\u001b[1;31merror: \u001b[0mbroken\n"
                            + "\u001b[2mdebug: \u001b[0m\u001b[2mdetail\u001b[0m\n"
                            + ERASE + "\u001b[2m0s \u001b[0m\u001b[36m[logs] \u001b[0mpush");
        }

        @Test
        void noColorKeepsTheRedrawButDropsEveryColour() {
            StderrConsole console = console(Mode.TERMINAL, false, true);

            console.warn("slow");
            console.debug("detail");
            console.forPhase("logs").progress("push");

            String text = captured.toString().replace(ERASE, "");
            assertThat(text)
                    .isEqualTo("warning: slow\ndebug: detail\n0s [logs] push")
                    .doesNotContain("\u001b");
        }

        @Test
        void theProgressLineIsCutToTheTerminalWidth() {
            StderrConsole console = console(Mode.TERMINAL, false, false);

            console.progress("x".repeat(200));

            String visible = captured.toString().replace(ERASE, "");
            assertThat(visible).hasSize(59).startsWith("0s xxx").endsWith("...");
        }

        @Test
        void clearProgressErasesOnlyWhatIsShown() {
            StderrConsole console = console(Mode.TERMINAL, false, false);

            console.clearProgress();
            console.progress("p");
            console.clearProgress();
            console.clearProgress();

            assertThat(captured.toString()).isEqualTo(ERASE + "0s p" + ERASE);
        }
    }

    @Test
    void messagesCannotInjectControlSequencesOrBreakTheProgressLine() {
        StderrConsole console = console(Mode.TERMINAL, false, false);

        console.progress("line one\nline two\r\u001b[31mred");
        console.info("a\u001b[2Jb\nsecond");

        assertThat(captured.toString()).isEqualTo(ERASE + "0s line one line two ?[31mred" + ERASE + "a?[2Jb\nsecond\n");
    }

    @Test
    void aBadFormatNeverBreaksTheRun() {
        StderrConsole console = console(Mode.PLAIN, false, false);

        assertThatCode(() -> {
                    console.info("50% done");
                    console.info("%d of %d", 1);
                })
                .doesNotThrowAnyException();
        assertThat(captured.toString()).isEqualTo("50% done\n%d of %d [1]\n");
    }

    @Test
    void modeComesFromTheConsoleTermAndCi() {
        assertThat(StderrConsole.detect(true, Map.of("TERM", "xterm-256color"))).isEqualTo(Mode.TERMINAL);
        assertThat(StderrConsole.detect(false, Map.of("TERM", "xterm-256color")))
                .isEqualTo(Mode.PLAIN);
        assertThat(StderrConsole.detect(true, Map.of("TERM", "dumb"))).isEqualTo(Mode.PLAIN);
        assertThat(StderrConsole.detect(true, Map.of())).isEqualTo(Mode.PLAIN);
        assertThat(StderrConsole.detect(true, Map.of("TERM", "xterm", "CI", "true")))
                .isEqualTo(Mode.PLAIN);
        assertThat(StderrConsole.detect(true, Map.of("TERM", "xterm", "CI", "false")))
                .isEqualTo(Mode.TERMINAL);
    }

    @Test
    void noColorAndColumnsFollowTheirConventions() {
        assertThat(StderrConsole.colorAllowed(Map.of())).isTrue();
        assertThat(StderrConsole.colorAllowed(Map.of("NO_COLOR", ""))).isTrue();
        assertThat(StderrConsole.colorAllowed(Map.of("NO_COLOR", "1"))).isFalse();
        assertThat(StderrConsole.columns(Map.of("COLUMNS", "132"), () -> 200)).isEqualTo(132);
        // bash does not export COLUMNS: the terminal's own answer (stty size) is used
        assertThat(StderrConsole.columns(Map.of(), () -> 200)).isEqualTo(200);
        assertThat(StderrConsole.columns(Map.of("COLUMNS", "wide"), () -> 0)).isEqualTo(80);
        assertThat(StderrConsole.columns(Map.of(), () -> 0)).isEqualTo(80);
    }
}
