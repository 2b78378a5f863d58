package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.manifest.ManifestObject;
import java.util.List;

/** {@code amtool check-config} on Alertmanager's config (the ConfigMap key the chart mounts as alertmanager.yml). */
public final class AmtoolConfigChecker implements ConfigChecker {
    @Override
    public String tool() {
        return "amtool check-config";
    }

    @Override
    public List<String> binaries() {
        return List.of("amtool");
    }

    @Override
    public String what() {
        return "Alertmanager config";
    }

    @Override
    public String suffix() {
        return ".yml";
    }

    @Override
    public List<Config> configs(List<ManifestObject> objects) {
        return ConfigChecker.configMapData(
                objects, (key, text) -> key.equals("alertmanager.yml") || key.equals("alertmanager.yaml"));
    }

    @Override
    public List<String> command(String binary, String file) {
        return List.of(binary, "check-config", file);
    }

    /** The deployed version, from its image ({@code .../alertmanager:vX.Y.Z}): an older tool's refusal is then a warning. */
    @Override
    public java.util.Optional<String> componentVersion(List<ManifestObject> objects) {
        return ConfigChecker.imageTag(objects, "alertmanager");
    }
}
