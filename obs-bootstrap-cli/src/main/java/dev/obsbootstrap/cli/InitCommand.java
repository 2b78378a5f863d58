package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "init",
        description = {
            "Write a commented starter config (./obs-bootstrap.yaml, which every command then reads) for a profile.",
            "The file is checked as every command checks it before it is written; an existing file is kept unless --force."
        })
public final class InitCommand extends BaseCommand {
    private static final String STARTER = "/obs-bootstrap/starter-config.yaml";

    @Option(
            names = "--profile",
            paramLabel = "NAME",
            defaultValue = "ci",
            description = "The profile the file names: dev, ci, staging or prod (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            defaultValue = "obs-bootstrap.yaml",
            description = "Where to write it (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--force", description = "Replace an existing file.")
    boolean force;

    @Override
    protected ExitCode doCall() {
        String text = starter().replace("{{PROFILE}}", profile);
        if (Files.exists(file) && !force) {
            throw new ConfigException(file + " exists: keep it, pass --force to replace it, or -f OTHER.yaml");
        }
        // checked before it is written: an unknown --profile is refused with the profiles there are
        Path check;
        try {
            check = Files.createTempFile("obs-bootstrap-init", ".yaml");
            Files.writeString(check, text);
            try {
                loadConfig(ConfigMixin.of(check, Optional.of(profile), List.of()));
            } finally {
                Files.deleteIfExists(check);
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new ConfigException("cannot write " + file + ": " + e.getMessage(), e);
        }
        out().println("wrote " + file + " (profile " + profile + "); next: obs-bootstrap plan --out plan/ "
                + (file.equals(Path.of("obs-bootstrap.yaml")) ? "" : "-f " + file + " ")
                + "to see what it installs, then up");
        out().flush();
        return ExitCode.OK;
    }

    private static String starter() {
        try (InputStream in = InitCommand.class.getResourceAsStream(STARTER)) {
            if (in == null) {
                throw new IllegalStateException(STARTER + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STARTER, e);
        }
    }
}
