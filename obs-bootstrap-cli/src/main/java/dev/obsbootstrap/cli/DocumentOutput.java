package dev.obsbootstrap.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code -o text|json|yaml} for commands whose result is a document (status, version, the plan summary): text for
 * people, JSON and YAML of the same map for scripts. Maps keep their order, so the documents read like the text.
 */
public final class DocumentOutput {
    public enum Format {
        TEXT,
        JSON,
        YAML
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "Result format on stdout: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.TEXT;

    public Format format() {
        return format;
    }

    public boolean isText() {
        return format == Format.TEXT;
    }

    /** Prints the document as JSON or YAML; for text the caller prints its own lines. */
    static void print(PrintWriter out, Format format, Map<String, ?> document) {
        switch (format) {
            case JSON -> out.println(Json.MAPPER.writeValueAsString(document));
            case YAML -> {
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                options.setIndicatorIndent(2);
                options.setIndentWithIndicator(true);
                out.print(new Yaml(options).dump(document));
            }
            case TEXT -> throw new IllegalArgumentException("text is printed by the command itself");
        }
        out.flush();
    }

    /**
     * The mapper, built on first use: picocli creates this mixin for every command it knows, also for {@code --help},
     * which must not pay for Jackson.
     */
    private static final class Json {
        static final JsonMapper MAPPER =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }
}
