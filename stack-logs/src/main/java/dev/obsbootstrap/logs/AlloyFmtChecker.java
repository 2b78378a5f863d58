package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.manifest.ManifestObject;
import java.util.List;

/** {@code alloy fmt} on Alloy's pipeline (ConfigMap keys ending in .alloy): it parses the file as Alloy would. */
public final class AlloyFmtChecker implements ConfigChecker {
    @Override
    public String tool() {
        return "alloy fmt";
    }

    @Override
    public List<String> binaries() {
        return List.of("alloy");
    }

    @Override
    public String what() {
        return "Alloy pipeline";
    }

    @Override
    public String suffix() {
        return ".alloy";
    }

    @Override
    public List<Config> configs(List<ManifestObject> objects) {
        return ConfigChecker.configMapData(objects, (key, text) -> key.endsWith(".alloy"));
    }

    @Override
    public List<String> command(String binary, String file) {
        return List.of(binary, "fmt", file);
    }
}
