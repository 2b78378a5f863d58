package dev.obsbootstrap.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.ComponentCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * bootstrap-core knows no component: not in code, messages, resources or comments. Whatever names a server (Loki's
 * tenant header, Grafana's login, the Prometheus Operator's resources) lives in the stack module that installs it, and
 * core's examples use neutral names. The names checked are every component, endpoint and datasource of the shipped
 * catalog (read from the checkout, so a new component is covered without editing this test) and the products they are.
 */
class CoreNamesNoComponentTest {
    private static final Path MODULE =
            Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path CATALOG =
            MODULE.getParent().resolve("charts-values/src/main/resources/obs-bootstrap/catalog.yaml");
    private static final List<String> PRODUCTS = List.of(
            "Prometheus",
            "Grafana",
            "Loki",
            "Alloy",
            "Promtail",
            "Tempo",
            "OpenTelemetry",
            "otel",
            "Alertmanager",
            "Thanos",
            "ThanosRuler",
            "Pyroscope",
            "Mimir",
            "Jaeger",
            "TraceQL",
            "LogQL",
            "PromQL");

    static Set<String> names() {
        ComponentCatalog catalog = ComponentCatalog.fromFile(CATALOG);
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(PRODUCTS);
        names.addAll(catalog.components().keySet());
        names.addAll(catalog.endpoints().keySet());
        names.addAll(catalog.datasourceUids().keySet());
        return names;
    }

    static Pattern pattern(Set<String> names) {
        List<String> quoted = new ArrayList<>();
        names.stream().sorted((a, b) -> b.length() - a.length()).forEach(name -> quoted.add(Pattern.quote(name)));
        // a name as a whole word: "tempo" but not "temporary", "otel" but not "hotel"
        return Pattern.compile(
                "(?<![A-Za-z0-9])(" + String.join("|", quoted) + ")(?![A-Za-z0-9])", Pattern.CASE_INSENSITIVE);
    }

    @Test
    void noComponentNameAppearsInCoresSources() throws IOException {
        Pattern names = pattern(names());
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MODULE.resolve("src/main"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                List<String> lines = text(file).lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    Matcher matcher = names.matcher(lines.get(i));
                    if (matcher.find()) {
                        hits.add(MODULE.relativize(file) + ":" + (i + 1) + ": '" + matcher.group(1) + "' in: "
                                + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(hits)
                .as("component names in bootstrap-core/src/main: move that knowledge to the stack module that "
                        + "installs the component, or use a neutral example")
                .isEmpty();
    }

    /** A file's text; compressed data (the Kubernetes API schemas) is read uncompressed, so it is checked too. */
    private static String text(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            try (java.util.zip.GZIPInputStream in =
                    new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The check itself must be able to fail: it finds a name the way it appears in code, and skips longer words. */
    @Test
    void theCheckFindsNamesAsWordsOnly() {
        Pattern names = pattern(names());
        assertThat(names.matcher("String header = \"X-Scope-OrgID\"; // Loki's tenant")
                        .find())
                .isTrue();
        assertThat(names.matcher("endpoint(\"otel-collector\")").find()).isTrue();
        assertThat(names.matcher("kube-prometheus-stack").find()).isTrue();
        assertThat(names.matcher("Files.createTempFile(temporary); hotel; alloyed")
                        .find())
                .isFalse();
    }
}
