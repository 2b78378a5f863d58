package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.Map;
import java.util.Objects;

/**
 * Every release name, service name, port and datasource UID of the stack, derived in one place from the
 * catalog and the config. Templates read it as {@code topology.*}; probes resolve endpoints through it.
 * Nothing else may spell another component's service name.
 */
public record StackTopology(
        String namespace,
        Map<String, ComponentSpec> components,
        Map<String, ServiceEndpoint> endpoints,
        Map<String, String> datasourceUids) {

    public StackTopology {
        Objects.requireNonNull(namespace, "namespace");
        components = Map.copyOf(components);
        endpoints = Map.copyOf(endpoints);
        datasourceUids = Map.copyOf(datasourceUids);
    }

    public ServiceEndpoint endpoint(String name) {
        ServiceEndpoint endpoint = endpoints.get(name);
        if (endpoint == null) {
            throw new ConfigException("unknown endpoint '" + name + "' (known: "
                    + endpoints.keySet().stream().sorted().toList() + ")");
        }
        return endpoint;
    }

    public ComponentSpec component(String id) {
        ComponentSpec component = components.get(id);
        if (component == null) {
            throw new ConfigException("unknown component '" + id + "' (known: "
                    + components.keySet().stream().sorted().toList() + ")");
        }
        return component;
    }

    public String datasourceUid(String name) {
        String uid = datasourceUids.get(name);
        if (uid == null) {
            throw new ConfigException("unknown datasource '" + name + "' (known: "
                    + datasourceUids.keySet().stream().sorted().toList() + ")");
        }
        return uid;
    }
}
