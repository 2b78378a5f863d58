package dev.obsbootstrap.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How results are reported: --output text|json on stdout, --junit FILE. */
public final class OutputMixin {
    public enum Format {
        TEXT,
        JSON
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "Result format on stdout: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.TEXT;

    @Option(
            names = "--junit",
            paramLabel = "FILE",
            description = "Also write a JUnit XML report (a testsuite per phase, a testcase per probe).")
    Path junit;

    public Format format() {
        return format;
    }

    public Optional<Path> junit() {
        return Optional.ofNullable(junit);
    }
}
