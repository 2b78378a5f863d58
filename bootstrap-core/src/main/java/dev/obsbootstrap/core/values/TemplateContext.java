package dev.obsbootstrap.core.values;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.BootstrapConfig.AlertingSettings;
import dev.obsbootstrap.core.config.BootstrapConfig.Receiver;
import dev.obsbootstrap.core.config.BootstrapConfig.Route;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The variables a values template sees, as plain nested maps and lists: jinjava cannot read record accessors, and
 * maps keep keys with dashes reachable ({@code topology.endpoints['otel-collector'].url}).
 *
 * <pre>
 * config.namespace, config.profile, config.phases.&lt;phaseId&gt;
 * config.logs.{collector, authEnabled, tenant}
 * config.alerting.{defaultReceiver, groupBy, credentialsSecret}
 * config.alerting.receivers[].{name, type, settings.&lt;alertmanager_field&gt;, credentials[].{field, secretKey, reference}}
 * config.alerting.routes[].{matchers, receiver, continue}
 * profile.{name, requireMemoryLimits, settings.*}
 * topology.namespace
 * topology.components.&lt;id&gt;.{id, release, fullname, chart.{repository, name, version}}
 * topology.endpoints.&lt;name&gt;.{name, component, namespace, service, port, path, url, hostPort}
 * topology.datasources.&lt;name&gt;   (the Grafana datasource UID)
 * component                          (topology.components of the component being rendered)
 * kubeVersion
 * </pre>
 *
 * Receiver credentials appear only as the Secret key that will hold them and the description of their reference
 * (env:NAME, secret:name/key), never as values. Maps built from unordered sources are sorted, so renders are stable.
 */
final class TemplateContext {
    private TemplateContext() {
    }

    static Map<String, Object> of(ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("config", config(config));
        context.put("profile", profile(config));
        context.put("topology", topology(topology));
        context.put("component", component(component));
        context.put("kubeVersion", kubeVersion);
        return context;
    }

    private static Map<String, Object> config(BootstrapConfig config) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("namespace", config.namespace());
        map.put("profile", config.profile().name());
        Map<String, Object> phases = new TreeMap<>();
        TreeSet<String> phaseIds = new TreeSet<>(config.phases().keySet());
        phaseIds.addAll(config.profile().phases().keySet());
        phaseIds.forEach(id -> phases.put(id, config.phaseEnabled(id)));
        map.put("phases", phases);
        Map<String, Object> logs = new LinkedHashMap<>();
        logs.put("collector", config.logs().collector().componentId());
        logs.put("authEnabled", config.logs().authEnabled());
        logs.put("tenant", config.logs().tenant());
        map.put("logs", logs);
        map.put("alerting", alerting(config.alerting()));
        return map;
    }

    private static Map<String, Object> alerting(AlertingSettings alerting) {
        Map<String, Object> map = new LinkedHashMap<>();
        List<Object> receivers = new ArrayList<>();
        for (Receiver receiver : alerting.receivers()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", receiver.name());
            entry.put("type", receiver.type().name().toLowerCase(Locale.ROOT));
            Map<String, Object> settings = new TreeMap<>();
            receiver.settings().forEach((key, value) -> settings.put(snakeCase(key), value));
            entry.put("settings", settings);
            List<Object> credentials = new ArrayList<>();
            new TreeMap<>(receiver.credentials()).forEach((field, reference) -> {
                Map<String, Object> credential = new LinkedHashMap<>();
                credential.put("field", field);
                credential.put("secretKey", ReceiverCredentialsSecret.key(receiver.name(), field));
                credential.put("reference", reference.describe());
                credentials.add(credential);
            });
            entry.put("credentials", credentials);
            receivers.add(entry);
        }
        map.put("receivers", receivers);
        map.put("defaultReceiver", alerting.defaultReceiver());
        List<Object> routes = new ArrayList<>();
        for (Route route : alerting.routes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("matchers", List.copyOf(route.matchers()));
            entry.put("receiver", route.receiver());
            entry.put("continue", route.continueMatching());
            routes.add(entry);
        }
        map.put("routes", routes);
        map.put("groupBy", List.copyOf(alerting.groupBy()));
        map.put("credentialsSecret", ReceiverCredentialsSecret.NAME);
        return map;
    }

    private static Map<String, Object> profile(BootstrapConfig config) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", config.profile().name());
        map.put("requireMemoryLimits", config.profile().requireMemoryLimits());
        map.put("settings", new TreeMap<>(config.profile().settings()));
        return map;
    }

    private static Map<String, Object> topology(StackTopology topology) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("namespace", topology.namespace());
        Map<String, Object> components = new TreeMap<>();
        topology.components().forEach((id, spec) -> components.put(id, component(spec)));
        map.put("components", components);
        Map<String, Object> endpoints = new TreeMap<>();
        topology.endpoints().forEach((name, endpoint) -> endpoints.put(name, endpoint(endpoint)));
        map.put("endpoints", endpoints);
        map.put("datasources", new TreeMap<>(topology.datasourceUids()));
        return map;
    }

    private static Map<String, Object> component(ComponentSpec spec) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", spec.id());
        map.put("release", spec.release());
        map.put("fullname", spec.fullname());
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("repository", spec.chart().repository());
        chart.put("name", spec.chart().name());
        chart.put("version", spec.chart().version());
        map.put("chart", chart);
        return map;
    }

    private static Map<String, Object> endpoint(ServiceEndpoint endpoint) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", endpoint.name());
        map.put("component", endpoint.component());
        map.put("namespace", endpoint.namespace());
        map.put("service", endpoint.service());
        map.put("port", endpoint.port());
        map.put("path", endpoint.path());
        map.put("url", endpoint.clusterUrl());
        map.put("hostPort", endpoint.hostPort());
        return map;
    }

    /** authUsername -> auth_username: receiver settings become Alertmanager's own field names. */
    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
