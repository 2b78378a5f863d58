package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.plan.BundleInstall;
import java.nio.file.Path;
import java.util.List;

/** What every command that takes --bundle DIR shares: the bundle's own config, and refusing options that would change it. */
final class BundleOptions {
    private BundleOptions() {}

    /** The config the bundle was planned with (its inputs/), as -f, --profile and --set. */
    static ConfigMixin config(BundleInstall bundle) {
        return ConfigMixin.of(
                bundle.configFile(),
                bundle.inputs().profileOverride(),
                bundle.inputs().sets());
    }

    /**
     * A bundle fixes its config and charts: -f, --profile, --set, --charts-dir and --namespace would make the run differ
     * from what was reviewed, so they are refused before anything happens.
     */
    static void refuseConfigOptions(String command, ConfigMixin config, List<Path> chartsDirs, ClusterMixin cluster) {
        boolean namespace = cluster != null && cluster.namespace().isPresent();
        if (config.given() || !chartsDirs.isEmpty() || namespace) {
            throw new ConfigException(
                    command + " --bundle installs the bundle as it was reviewed: -f/--config, --profile, --set, "
                            + "--charts-dir and --namespace cannot change it (the bundle's config is in its inputs/ directory); plan a new "
                            + "bundle with those options instead");
        }
    }
}
