package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.DidYouMean;
import dev.obsbootstrap.core.config.NodeReader;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The {@code logs:} section of the config, which the logs phase owns: {@code collector}, {@code auth.{enabled, tenant}}. */
public final class LogsSection implements ConfigSection<LogsSettings> {
    public static final String KEY = "logs";
    static final String DEFAULT_TENANT = "obs-bootstrap";
    private static final List<String> KEYS = List.of("collector", "auth");
    private static final List<String> AUTH_KEYS = List.of("enabled", "tenant");
    private static final List<String> COLLECTORS =
            Arrays.stream(LogCollector.values()).map(LogCollector::componentId).toList();
    /** Loki's tenant ids (grafana/loki docs, "Multi-tenancy"): up to 150 of these characters, not "." or "..". */
    private static final Pattern LOKI_TENANT = Pattern.compile("[a-zA-Z0-9!._*'()-]{1,150}");

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<LogsSettings> type() {
        return LogsSettings.class;
    }

    @Override
    public LogsSettings read(NodeReader reader, Optional<MapNode> logs, String path) {
        logs.ifPresent(map -> reader.allowOnly(map, path, KEYS));
        LogCollector collector = LogCollector.ALLOY;
        Optional<Node> collectorNode = logs.flatMap(map -> reader.field(map, "collector"));
        Optional<String> collectorName = collectorNode.flatMap(node -> reader.asString(node, path + ".collector"));
        if (collectorName.isPresent()) {
            if (COLLECTORS.contains(collectorName.get())) {
                collector = LogCollector.valueOf(collectorName.get().toUpperCase(Locale.ROOT));
            } else {
                reader.problem(
                        collectorNode.get(),
                        path + ".collector",
                        "unknown collector '" + NodeReader.echo(collectorName.get()) + "'; "
                                + DidYouMean.hint(collectorName.get(), COLLECTORS));
            }
        }
        Optional<MapNode> auth = logs.flatMap(map -> reader.mapField(map, path, "auth"));
        auth.ifPresent(map -> reader.allowOnly(map, path + ".auth", AUTH_KEYS));
        boolean enabled = auth.flatMap(map -> reader.boolField(map, path + ".auth", "enabled"))
                .orElse(false);
        String tenant = DEFAULT_TENANT;
        Optional<Node> tenantNode = auth.flatMap(map -> reader.field(map, "tenant"));
        Optional<String> tenantText = tenantNode.flatMap(node -> reader.asString(node, path + ".auth.tenant"));
        if (tenantText.isPresent()) {
            tenantProblem(tenantText.get())
                    .ifPresent(message -> reader.problem(tenantNode.get(), path + ".auth.tenant", message));
            tenant = tenantText.get();
        }
        return new LogsSettings(collector, enabled, tenant);
    }

    static Optional<String> tenantProblem(String value) {
        if (LOKI_TENANT.matcher(value).matches() && !value.equals(".") && !value.equals("..")) {
            return Optional.empty();
        }
        return Optional.of("'" + NodeReader.echo(value) + "' is not a Loki tenant id: use up to 150 letters, digits "
                + "and ! - _ . * ' ( )");
    }

    /** config.logs.{collector, authEnabled, tenant}. */
    @Override
    public Map<String, Object> templateView(LogsSettings logs) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("collector", logs.collector().componentId());
        view.put("authEnabled", logs.authEnabled());
        view.put("tenant", logs.tenant());
        return view;
    }

    /** With logs.auth on, every request to Loki names the tenant (Loki answers 401 "no org id" otherwise). */
    @Override
    public Map<String, Map<String, String>> endpointHeaders(LogsSettings logs) {
        return logs.authEnabled() ? Map.of("loki", Map.of(LokiAuth.TENANT_HEADER, logs.tenant())) : Map.of();
    }

    @Override
    public List<String> warnings(LogsSettings logs, String source) {
        if (logs.collector() == LogCollector.PROMTAIL) {
            return List.of(source + ": logs.collector: promtail is deprecated and reached end of life on 2026-03-02; "
                    + "switch to alloy (logs.collector: alloy)");
        }
        return List.of();
    }
}
