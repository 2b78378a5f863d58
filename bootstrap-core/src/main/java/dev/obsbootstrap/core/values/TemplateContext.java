package dev.obsbootstrap.core.values;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The variables a values template sees, as plain nested maps and lists: jinjava cannot read record accessors, and
 * maps keep keys with dashes reachable ({@code topology.endpoints['my-endpoint'].url}).
 *
 * <pre>
 * config.namespace, config.stack, config.isolated, config.clusterDomain, config.profile, config.phases.&lt;phaseId&gt;
 * config.&lt;section key&gt;.*    (each phase's own section: its ConfigSection's templateView)
 * profile.{name, requireMemoryLimits, settings.*}
 * topology.namespace
 * topology.components.&lt;id&gt;.{id, release, fullname, chart.{repository, name, version}}
 * topology.endpoints.&lt;name&gt;.{name, component, namespace, service, port, path, url, hostPort}
 * topology.datasources.&lt;name&gt;   (a datasource UID)
 * component                          (topology.components of the component being rendered)
 * kubeVersion
 * </pre>
 *
 * Sections hold no secret values (a credential appears only as a reference). Maps built from unordered sources are
 * sorted, so renders are stable.
 */
final class TemplateContext {
    private TemplateContext() {}

    static Map<String, Object> of(
            ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
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
        map.put("stack", config.cluster().stack());
        map.put("isolated", config.cluster().isolated());
        map.put("clusterDomain", config.cluster().domain());
        map.put("profile", config.profile().name());
        Map<String, Object> phases = new TreeMap<>();
        TreeSet<String> phaseIds = new TreeSet<>(config.phases().keySet());
        phaseIds.addAll(config.profile().phases().keySet());
        phaseIds.forEach(id -> phases.put(id, config.phaseEnabled(id)));
        map.put("phases", phases);
        config.sections().forEach((key, section) -> map.put(key, section.templateView()));
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
}
