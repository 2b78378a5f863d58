package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import picocli.CommandLine.Command;

@Command(name = "verify", description = "Run the probes of the chosen phases against the cluster or explicit endpoints.")
public final class VerifyCommand extends BaseCommand {
    @Override
    protected ExitCode doCall() {
        throw new ConfigException("'verify' is not implemented yet");
    }
}
