package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import picocli.CommandLine.Command;

@Command(name = "plan", description = "Render every phase's values and manifests into a reviewable bundle, without a cluster.")
public final class PlanCommand extends BaseCommand {
    @Override
    protected ExitCode doCall() {
        throw new ConfigException("'plan' is not implemented yet");
    }
}
