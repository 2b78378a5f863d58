package dev.obsbootstrap.metrics.grafana;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.TerminalProbeFailure;
import okhttp3.Headers;

/**
 * What a 401 or 403 from Grafana means for a probe: stop at once. Grafana's brute-force login protection is on by
 * default and counts failed basic-auth logins per user: 5 within 5 minutes lock the user out for everyone
 * (grafana/grafana pkg/setting/setting.go brute_force_login_protection_max_attempts = 5,
 * pkg/services/loginattempt/loginattemptimpl/login_attempt.go). A probe that retried a wrong password every
 * second would lock the operator's admin account, so a refusal ends the probe after one try.
 */
public final class GrafanaLogin {
    private GrafanaLogin() {}

    /** @throws TerminalProbeFailure when Grafana refused the request (401/403) */
    public static void requireAccepted(HttpReply reply, ProbeContext context, String grafanaEndpoint, Headers auth) {
        if (!reply.is(401) && !reply.is(403)) {
            return;
        }
        String source = context.describeCredentials(grafanaEndpoint);
        boolean locked = reply.body().toLowerCase().contains("too many")
                || reply.body().toLowerCase().contains("blocked");
        throw new TerminalProbeFailure(
                "Grafana refused the request (not retried, so the admin account is not locked out): "
                        + reply.describe(),
                auth.size() == 0
                        ? "Grafana needs basic auth for the datasource API and this run has none: " + source
                        : locked
                                ? "Grafana has locked the admin user after repeated failed logins (brute-force protection, 5 failures in 5 minutes):"
                                        + " wait 5 minutes, then check the credentials from " + source
                                : "Grafana refused the admin credentials from " + source
                                        + ": the Secret and Grafana's admin user disagree"
                                        + " (Grafana keeps the password of its first start in its database; reset it with grafana-cli or recreate Grafana's storage)");
    }
}
