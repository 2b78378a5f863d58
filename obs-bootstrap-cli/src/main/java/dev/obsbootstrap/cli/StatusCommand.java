package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show each phase's release, chart, revision, readiness, last verification and drift.")
public final class StatusCommand extends BaseCommand {
    @Override
    protected ExitCode doCall() {
        throw new ConfigException("'status' is not implemented yet");
    }
}
