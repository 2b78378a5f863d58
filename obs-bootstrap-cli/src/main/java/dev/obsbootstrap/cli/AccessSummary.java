package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.run.StackAccess;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** What `up` prints last when the stack is verified: what runs where, how to reach it from here, where logins live. */
final class AccessSummary {
    private AccessSummary() {}

    static void print(PrintWriter out, List<StackAccess.Entry> entries, String namespace, String kubeContext) {
        if (entries.isEmpty()) {
            return;
        }
        Optional<String> context = Optional.of(kubeContext);
        out.println();
        out.println("How to reach the stack (context " + kubeContext + ", namespace " + namespace + "):");
        Table table = new Table("ENDPOINT", "IN THE CLUSTER", "FROM HERE", "WITHOUT OBS-BOOTSTRAP");
        for (StackAccess.Entry entry : entries) {
            table.row(
                    entry.name(),
                    entry.endpoint().clusterUrl(),
                    "obs-bootstrap open " + entry.name() + " -> http://localhost:" + entry.localPort() + "/",
                    entry.portForwardCommand(context));
        }
        table.print(out);
        for (StackAccess.Entry entry : entries) {
            entry.login().ifPresent(login -> {
                out.println(entry.name() + " login: user and password in Secret " + namespace + "/"
                        + login.secretName() + " (keys " + login.userKey() + ", " + login.passwordKey()
                        + "); the password:");
                out.println("  " + entry.loginCommand(context).orElseThrow());
            });
        }
        out.flush();
    }
}
