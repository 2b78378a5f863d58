package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.manifest.ManifestObject;
import java.util.List;
import java.util.Map;

/**
 * {@code otelcol validate} on the collector's config: a ConfigMap entry with receivers, exporters and a service with
 * pipelines at the top. Any of the distributions' binaries will do.
 */
public final class OtelcolValidateChecker implements ConfigChecker {
    @Override
    public String tool() {
        return "otelcol validate";
    }

    @Override
    public List<String> binaries() {
        return List.of("otelcol", "otelcol-contrib", "otelcol-k8s");
    }

    @Override
    public String what() {
        return "OpenTelemetry Collector config";
    }

    @Override
    public String suffix() {
        return ".yaml";
    }

    @Override
    public List<Config> configs(List<ManifestObject> objects) {
        return ConfigChecker.configMapData(
                objects,
                (key, text) -> text.contains("receivers:")
                        && text.contains("exporters:")
                        && text.contains("pipelines:")
                        && text.lines().anyMatch(line -> line.startsWith("service:")));
    }

    @Override
    public List<String> command(String binary, String file) {
        return List.of(binary, "validate", "--config=file:" + file);
    }

    /** The collector chart binds its listeners to the pod's IP through this variable. */
    @Override
    public Map<String, String> environment() {
        return Map.of("MY_POD_IP", "127.0.0.1");
    }
}
