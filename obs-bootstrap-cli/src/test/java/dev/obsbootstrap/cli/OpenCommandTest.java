package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.obsbootstrap.core.testing.FakeServer;
import dev.obsbootstrap.core.testing.GrafanaBehindAService;
import dev.obsbootstrap.core.testing.PortForwardingApiServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code open grafana}: a real port-forward (WebSocket, v4.channel.k8s.io) through the test API server to a ready
 * pod behind the Service, at the container port the named targetPort resolves to; the URL printed works; the login is
 * named, never printed; Ctrl-C (an interrupt) ends it with 130.
 */
class OpenCommandTest {
    private static final String NS = "observability";

    @TempDir
    Path tmp;

    private final PortForwardingApiServer api = new PortForwardingApiServer();
    private final FakeServer grafana =
            new FakeServer("grafana", request -> FakeServer.text(200, "grafana home " + FakeServer.path(request)));

    @AfterEach
    void stop() {
        api.close();
        grafana.close();
    }

    @Test
    void forwardsToAReadyPodPrintsTheUrlNamesTheLoginAndStopsOnInterrupt() throws Exception {
        api.put(GrafanaBehindAService.service(NS));
        api.put(GrafanaBehindAService.pod(NS, "obs-grafana-0", false))
                .put(GrafanaBehindAService.pod(NS, "obs-grafana-1", true));
        api.forward(NS, "obs-grafana-1", 3000, grafana.url());

        String kubeconfig = kubeconfig().toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread run = new Thread(() -> {
            CommandLine cli = ObsBootstrapCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            code.set(ObsBootstrapCommand.execute(cli, "open", "grafana", "--kubeconfig", kubeconfig, "--port", "0"));
        });
        run.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("http://") || !run.isAlive());
            Matcher url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(out.toString());
            assertThat(url.find()).as(out + "\n" + err).isTrue();

            OkHttpClient http = new OkHttpClient();
            try (Response response = http.newCall(
                            new Request.Builder().url(url.group() + "login").build())
                    .execute()) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(response.body().string()).isEqualTo("grafana home /login");
            }
            assertThat(api.requestLines())
                    .contains("GET /api/v1/namespaces/observability/pods/obs-grafana-1/portforward?ports=3000");
            assertThat(err.toString())
                    .contains("forwarding " + url.group() + " to Service observability/obs-grafana:80")
                    .contains("login: Secret observability/obs-grafana-admin")
                    .contains("get secret obs-grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d");
        } finally {
            run.interrupt();
            run.join(Duration.ofSeconds(20).toMillis());
        }
        assertThat(run.isAlive()).isFalse();
        assertThat(code.get()).as(err.toString()).isEqualTo(130);
    }

    @Test
    void anUnknownEndpointIsRefusedWithTheNearestName() throws IOException {
        CliRun.Result result =
                CliRun.run(null, "open", "grafna", "--kubeconfig", kubeconfig().toString());
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("no endpoint 'grafna'", "did you mean 'grafana'?");
    }

    private Path kubeconfig() throws IOException {
        return Files.writeString(tmp.resolve("kubeconfig.yaml"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: pf
                  cluster:
                    server: %s
                users:
                - name: pf-user
                  user:
                    token: pf-token
                contexts:
                - name: pf
                  context:
                    cluster: pf
                    user: pf-user
                current-context: pf
                """.formatted(api.url()));
    }
}
