package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.error.ExitCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "version",
        description =
                "Print our version, the bundled Helm version and every pinned chart (component, chart@version, repository).")
public final class VersionCommand extends BaseCommand {
    @Mixin
    DocumentOutput output;

    @Override
    protected ExitCode doCall() {
        Properties properties = VersionProvider.properties();
        ComponentCatalog catalog = catalog();
        if (output.isText()) {
            for (String line : new VersionProvider().getVersion()) {
                out().println(line);
            }
            Table charts = new Table("COMPONENT", "CHART", "REPOSITORY");
            catalog.components()
                    .values()
                    .forEach(spec -> charts.row(
                            spec.id(), spec.chart().coordinate(), spec.chart().repository()));
            out().println("pinned charts:");
            charts.print(out());
            out().flush();
            return ExitCode.OK;
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("version", properties.getProperty("version", "unknown"));
        document.put("helm", properties.getProperty("helm.version", "unknown"));
        document.put("helmJava", properties.getProperty("helm-java.version", "unknown"));
        document.put("java", System.getProperty("java.version"));
        List<Map<String, Object>> charts = new ArrayList<>();
        catalog.components().values().forEach(spec -> {
            Map<String, Object> chart = new LinkedHashMap<>();
            chart.put("component", spec.id());
            chart.put("chart", spec.chart().name());
            chart.put("version", spec.chart().version());
            chart.put("repository", spec.chart().repository());
            charts.add(chart);
        });
        document.put("charts", charts);
        DocumentOutput.print(out(), output.format(), document);
        return ExitCode.OK;
    }
}
