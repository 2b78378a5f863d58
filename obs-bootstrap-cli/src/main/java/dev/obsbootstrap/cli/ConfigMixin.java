package dev.obsbootstrap.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which config to load: -f FILE, --profile, --set path=value. */
public final class ConfigMixin {
    @Option(
            names = {"-f", "--config"},
            paramLabel = "FILE",
            description = "Config file (default: ./obs-bootstrap.yaml when it exists, else built-in defaults).")
    Path configFile;

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            description = "Profile: dev, ci, staging, prod, a profile of the config repository (profiles/<name>.yaml "
                    + "beside the config file, with 'extends: <profile>'), or the path of such a file. Overrides the "
                    + "file's 'profile'.")
    String profile;

    @Option(
            names = "--set",
            paramLabel = "PATH=VALUE",
            description =
                    "Override one config key, for example --set cluster.namespace=obs or --set values.loki.loki.auth_enabled=true. Repeatable.")
    List<String> sets = new ArrayList<>();

    /** The config of a plan bundle, as if given on the command line (up --bundle, validate --bundle, smoke --bundle). */
    static ConfigMixin of(Path file, Optional<String> profile, List<String> sets) {
        ConfigMixin config = new ConfigMixin();
        config.configFile = file;
        config.profile = profile.orElse(null);
        config.sets = new ArrayList<>(sets);
        return config;
    }

    /** Whether any of -f, --profile, --set was given. */
    boolean given() {
        return configFile != null || profile != null || !sets.isEmpty();
    }

    public Optional<Path> configFile() {
        return Optional.ofNullable(configFile);
    }

    public Optional<String> profile() {
        return Optional.ofNullable(profile);
    }

    public List<String> sets() {
        return List.copyOf(sets);
    }
}
