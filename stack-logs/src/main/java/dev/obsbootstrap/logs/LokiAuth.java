package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.HttpReply;

/** Loki multi-tenancy as the probes see it: the tenant header to send, and what a 401 means. */
final class LokiAuth {
    static final String TENANT_HEADER = "X-Scope-OrgID";

    private LokiAuth() {}

    static boolean refused(HttpReply reply) {
        return reply.is(401) || reply.is(403);
    }

    static String hint(BootstrapConfig config, HttpReply reply) {
        if (!LogsSettings.of(config).authEnabled()) {
            return "Loki runs with auth_enabled (every push and query needs " + TENANT_HEADER
                    + ") but logs.auth is off in the config:"
                    + " set logs.auth.enabled: true and logs.auth.tenant, or render Loki with auth_enabled: false"
                    + (reply.body().contains("no org id") ? " (Loki said 'no org id')" : "");
        }
        return "Loki refused tenant '" + LogsSettings.of(config).tenant() + "' (" + TENANT_HEADER
                + "): a gateway in front of Loki may need" + " its own credentials, or the tenant is not allowed there";
    }
}
