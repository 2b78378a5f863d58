package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ExitCode;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version, the bundled Helm version and the pinned charts.")
public final class VersionCommand extends BaseCommand {
    @Override
    protected ExitCode doCall() {
        for (String line : new VersionProvider().getVersion()) {
            out().println(line);
        }
        out().flush();
        return ExitCode.OK;
    }
}
