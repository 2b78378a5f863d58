package dev.obsbootstrap.core.config;

import java.util.Objects;

/** A Service the stack exposes: where templates point each other and where probes go. */
public record ServiceEndpoint(String name, String component, String namespace, String service, int port, String path) {
    public ServiceEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(path, "path");
    }

    /** In-cluster address: http://service.namespace.svc:port (plus path, when the endpoint has one). */
    public String clusterUrl() {
        return "http://" + hostPort() + path;
    }

    /** service.namespace.svc:port, for clients that take no scheme (OTLP gRPC exporters). */
    public String hostPort() {
        return service + "." + namespace + ".svc:" + port;
    }
}
