package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import picocli.CommandLine.Command;

@Command(name = "up", description = "Install or upgrade every phase in order, each verified by its probes before the next starts.")
public final class UpCommand extends BaseCommand {
    @Override
    protected ExitCode doCall() {
        throw new ConfigException("'up' is not implemented yet");
    }
}
