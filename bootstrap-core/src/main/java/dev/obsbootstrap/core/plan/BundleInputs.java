package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a bundle was planned from, kept in it ({@code inputs/}) so that {@code up --bundle} installs it with the same
 * config (namespace, phases, probes, receivers) without the reviewer's machine: the config file as it was (only
 * references to credentials, never their values), --profile and every --set.
 *
 * @param configYaml the config file's text; {@code apiVersion} alone when the plan used the built-in defaults
 * @param profile    --profile at plan time, "" when not given
 * @param sets       --set arguments at plan time, in order
 * @param kubeVersion the version the bundle was rendered for
 */
public record BundleInputs(String configYaml, String profile, List<String> sets, String kubeVersion) {
    public static final String DIRECTORY = "inputs";
    public static final String CONFIG_FILE = DIRECTORY + "/obs-bootstrap.yaml";
    public static final String OPTIONS_FILE = DIRECTORY + "/plan.json";
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public BundleInputs {
        Objects.requireNonNull(configYaml, "configYaml");
        Objects.requireNonNull(profile, "profile");
        sets = List.copyOf(sets);
        Objects.requireNonNull(kubeVersion, "kubeVersion");
    }

    public Optional<String> profileOverride() {
        return profile.isEmpty() ? Optional.empty() : Optional.of(profile);
    }

    public void write(Path bundle) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("config", CONFIG_FILE);
        options.put("profile", profile);
        options.put("sets", sets);
        options.put("kubeVersion", kubeVersion);
        try {
            Files.createDirectories(bundle.resolve(DIRECTORY));
            Files.writeString(bundle.resolve(CONFIG_FILE), configYaml.endsWith("\n") ? configYaml : configYaml + "\n");
            Files.writeString(bundle.resolve(OPTIONS_FILE), JSON.writeValueAsString(options) + "\n");
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot write the plan's inputs into " + bundle.resolve(DIRECTORY) + ": " + e.getMessage(), e);
        }
    }

    public static BundleInputs read(Path bundle) {
        Path options = bundle.resolve(OPTIONS_FILE);
        try {
            JsonNode node = JSON.readTree(Files.readString(options));
            List<String> sets = new ArrayList<>();
            node.path("sets").forEach(set -> sets.add(set.asString()));
            return new BundleInputs(
                    Files.readString(bundle.resolve(CONFIG_FILE)),
                    node.path("profile").asString(""),
                    sets,
                    node.path("kubeVersion").asString(""));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    "cannot read what the bundle was planned from (" + options + "): " + e.getMessage()
                            + "; plan the bundle again with this version of obs-bootstrap",
                    e);
        }
    }
}
