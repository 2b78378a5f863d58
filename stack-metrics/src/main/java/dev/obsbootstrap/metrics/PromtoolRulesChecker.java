package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.manifest.ManifestObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code promtool check rules} on the rule groups of every PrometheusRule the bundle carries: the operator hands
 * {@code spec} to Prometheus as a rules file, so a group promtool refuses would be refused at reload.
 */
public final class PromtoolRulesChecker implements ConfigChecker {
    @Override
    public String tool() {
        return "promtool check rules";
    }

    @Override
    public List<String> binaries() {
        return List.of("promtool");
    }

    @Override
    public String what() {
        return "rule groups of PrometheusRule";
    }

    @Override
    public String suffix() {
        return ".yaml";
    }

    @Override
    public List<Config> configs(List<ManifestObject> objects) {
        List<Config> configs = new ArrayList<>();
        for (ManifestObject object : objects) {
            if ("PrometheusRule".equals(object.kind()) && object.apiVersion().startsWith("monitoring.coreos.com/")) {
                object.at("spec").ifPresent(spec -> configs.add(new Config(object, "spec", dump(spec))));
            }
        }
        return configs;
    }

    @Override
    public List<String> command(String binary, String file) {
        return List.of(binary, "check", "rules", file);
    }

    /** promtool checks every file it is given and exits non-zero when any fails: one process for the stack's 34 groups. */
    @Override
    public Optional<List<String>> batchCommand(String binary, List<String> files) {
        List<String> command = new ArrayList<>(List.of(binary, "check", "rules"));
        command.addAll(files);
        return Optional.of(command);
    }

    private static String dump(Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(value);
    }

    /** The deployed version, from its image ({@code .../prometheus:vX.Y.Z}): an older tool's refusal is then a warning. */
    @Override
    public java.util.Optional<String> componentVersion(List<ManifestObject> objects) {
        return ConfigChecker.imageTag(objects, "prometheus");
    }
}
