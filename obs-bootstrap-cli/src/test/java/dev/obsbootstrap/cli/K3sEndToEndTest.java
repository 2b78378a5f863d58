package dev.obsbootstrap.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real thing: `up` with the ci profile and the real charts from their repositories on a K3s node, every probe
 * passing, then `down`. Needs a Docker engine and network; skipped with a printed reason where there is none.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sEndToEndTest {
    private static final String K3S_IMAGE = System.getProperty("obs.k3s.image", "rancher/k3s:v1.31.6-k3s1");

    private static K3sContainer k3s;
    private static Path kubeconfig;

    @TempDir
    static Path work;

    @BeforeAll
    static void startK3s() throws Exception {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            String reason = "K3sEndToEndTest skipped: no Docker engine found (Testcontainers could not connect); "
                    + "it runs in .github/workflows/e2e.yml or anywhere `docker info` works";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
        k3s.start();
        kubeconfig = work.resolve("kubeconfig.yaml");
        Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
    }

    @AfterAll
    static void stopK3s() {
        if (k3s != null) {
            k3s.stop();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void upInstallsAndVerifiesEveryPhase() throws Exception {
        Path junit = work.resolve("up.xml");
        Result result = run("up", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "--yes",
                "--junit", junit.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out).contains("VERIFIED");
        assertThat(Files.readString(junit)).contains("<testsuite").doesNotContain("<failure");
    }

    @Test
    @Order(2)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aSecondUpChangesNothing() {
        Result result = run("up", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "--yes");

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.err).contains("unchanged");
    }

    @Test
    @Order(3)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void downRemovesEveryRelease() {
        Result result = run("down", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "--yes");

        assertThat(result.code).as(result.err).isZero();
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = ObsBootstrapCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {
    }
}
