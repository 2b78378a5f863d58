package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import picocli.CommandLine.Command;

@Command(name = "down", description = "Uninstall the phases in reverse order (CRDs and PVCs kept unless --purge).")
public final class DownCommand extends BaseCommand {
    @Override
    protected ExitCode doCall() {
        throw new ConfigException("'down' is not implemented yet");
    }
}
