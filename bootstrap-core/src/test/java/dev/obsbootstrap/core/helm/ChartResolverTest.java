package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ChartResolverTest {
    @TempDir
    Path tmp;

    private final MockWebServer repository = new MockWebServer();
    private final Map<String, MockResponse> routes = new java.util.HashMap<>();
    private final List<String> requested = new ArrayList<>();
    private Path chartsDir;
    private Path cache;

    @BeforeEach
    void startRepository() throws IOException {
        repository.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requested.add(request.getTarget());
                return routes.getOrDefault(
                        request.getTarget(),
                        new MockResponse.Builder().code(404).build());
            }
        });
        repository.start();
        chartsDir = tmp.resolve("charts");
        cache = tmp.resolve("cache");
    }

    @AfterEach
    void stopRepository() {
        repository.close();
    }

    private ChartRef loki() {
        return new ChartRef(repository.url("/helm-charts").toString(), "loki", "18.11.0");
    }

    private ChartResolver resolver(List<Path> chartsDirs) {
        return new ChartResolver(chartsDirs, cache, ChartRepositoryClient.create(), SilentConsole.INSTANCE);
    }

    @Test
    void usesAnUnpackedChartFromTheChartsDirWithoutTheNetwork() {
        FixtureCharts.copyAs("log-store", chartsDir, "loki", "18.11.0");

        ResolvedChart chart = resolver(List.of(chartsDir)).resolve(loki());

        assertThat(chart.path()).isEqualTo(chartsDir.resolve("loki"));
        assertThat(chart.origin()).isEqualTo(ChartOrigin.CHARTS_DIR);
        assertThat(requested).isEmpty();
    }

    @Test
    void everyMissingChartIsNamedInOneErrorNotOnlyTheFirst() {
        FixtureCharts.copyAs("log-store", chartsDir, "loki", "18.11.0");
        ChartRef tempo = new ChartRef(repository.url("/helm-charts").toString(), "tempo", "2.2.4");
        ChartRef alloy = new ChartRef(repository.url("/helm-charts").toString(), "alloy", "1.11.1");

        assertThatThrownBy(() -> resolver(List.of(chartsDir)).resolveAll(List.of(tempo, loki(), alloy)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("2 of 3 charts are not available")
                .hasMessageContaining("\n  tempo@2.2.4 from " + tempo.repository() + ": ")
                .hasMessageContaining("\n  alloy@1.11.1 from " + alloy.repository() + ": ")
                .hasMessageNotContaining("loki@")
                .hasMessageContaining("obs-bootstrap charts pull --out DIR");
    }

    @Test
    void usesAnArchiveFromTheChartsDir() {
        Path archive =
                FixtureCharts.pack(FixtureCharts.copyAs("log-store", tmp.resolve("src"), "loki", "18.11.0"), chartsDir);

        ResolvedChart chart = resolver(List.of(chartsDir)).resolve(loki());

        assertThat(chart.path()).isEqualTo(archive).isEqualTo(chartsDir.resolve("loki-18.11.0.tgz"));
        assertThat(chart.origin()).isEqualTo(ChartOrigin.CHARTS_DIR);
        assertThat(requested).isEmpty();
    }

    @Test
    void anUnpackedChartOfAnotherVersionIsAnErrorNamingBothVersions() {
        FixtureCharts.copyAs("log-store", chartsDir, "loki", "18.10.0");

        assertThatThrownBy(() -> resolver(List.of(chartsDir)).resolve(loki()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(chartsDir.resolve("loki").toString())
                .hasMessageContaining("18.10.0")
                .hasMessageContaining("pinned version is 18.11.0");
        assertThat(requested).isEmpty();
    }

    @Test
    void anArchiveWhoseChartIsNotTheNamedOneIsAnError() throws IOException {
        Path archive = FixtureCharts.pack(FixtureCharts.path("log-store"), tmp.resolve("packed"));
        Files.createDirectories(chartsDir);
        Files.copy(archive, chartsDir.resolve("loki-18.11.0.tgz"));

        assertThatThrownBy(() -> resolver(List.of(chartsDir)).resolve(loki()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds chart 'log-store', not 'loki'");
    }

    @Test
    void usesTheCacheWhenNoChartsDirHasTheChart() {
        FixtureCharts.pack(FixtureCharts.copyAs("log-store", tmp.resolve("src"), "loki", "18.11.0"), cache);

        ResolvedChart chart = resolver(List.of(chartsDir)).resolve(loki());

        assertThat(chart.origin()).isEqualTo(ChartOrigin.CACHE);
        assertThat(chart.path()).isEqualTo(cache.resolve("loki-18.11.0.tgz"));
        assertThat(requested).isEmpty();
    }

    @Test
    void downloadsFromTheRepositoryIndexIntoTheCacheOnce() throws IOException {
        byte[] archive = Files.readAllBytes(FixtureCharts.pack(
                FixtureCharts.copyAs("log-store", tmp.resolve("src"), "loki", "18.11.0"), tmp.resolve("packed")));
        serveIndex("charts/loki-18.11.0.tgz", sha256(archive));
        routes.put(
                "/helm-charts/charts/loki-18.11.0.tgz",
                new MockResponse.Builder().body(new Buffer().write(archive)).build());

        ResolvedChart first = resolver(List.of()).resolve(loki());
        ResolvedChart second = resolver(List.of()).resolve(loki());

        assertThat(first.origin()).isEqualTo(ChartOrigin.DOWNLOADED);
        assertThat(first.path()).isEqualTo(cache.resolve("loki-18.11.0.tgz"));
        assertThat(Files.readAllBytes(first.path())).isEqualTo(archive);
        assertThat(second.origin()).isEqualTo(ChartOrigin.CACHE);
        assertThat(requested).containsExactly("/helm-charts/index.yaml", "/helm-charts/charts/loki-18.11.0.tgz");
        assertThat(HelmJavaDriver.templateOnly()
                        .template(HelmJavaDriverTemplateTest.spec("loki", first.path(), "obs-loki", ""), "1.31.0"))
                .contains("kind: StatefulSet");
    }

    @Test
    void aDownloadThatDoesNotMatchTheIndexDigestIsRejectedAndNotCached() throws IOException {
        byte[] archive = Files.readAllBytes(FixtureCharts.pack(
                FixtureCharts.copyAs("log-store", tmp.resolve("src"), "loki", "18.11.0"), tmp.resolve("packed")));
        serveIndex("charts/loki-18.11.0.tgz", sha256("something else".getBytes()));
        routes.put(
                "/helm-charts/charts/loki-18.11.0.tgz",
                new MockResponse.Builder().body(new Buffer().write(archive)).build());

        assertThatThrownBy(() -> resolver(List.of()).resolve(loki()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("corrupt");
        assertThat(cache.resolve("loki-18.11.0.tgz")).doesNotExist();
        try (var left = Files.list(cache)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aChartNobodyHasIsOneMessageWithBothWaysToProvideIt() {
        serveIndex("charts/loki-18.10.0.tgz", "");

        assertThatThrownBy(() -> resolver(List.of(chartsDir)).resolve(loki()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chart loki version 18.11.0 is not available")
                .hasMessageContaining(chartsDir.resolve("loki") + "/ and " + chartsDir.resolve("loki-18.11.0.tgz"))
                .hasMessageContaining("the cache " + cache.resolve("loki-18.11.0.tgz"))
                .hasMessageContaining("the download from " + loki().repository()
                        + " failed: the repository has chart 'loki' but not version 18.11.0")
                .hasMessageContaining("--charts-dir DIR holding loki/ (unpacked) or loki-18.11.0.tgz")
                .hasMessageContaining("network access to " + loki().repository());
    }

    @Test
    void anUnreachableRepositoryIsTheSameMessage() throws IOException {
        String closed = repository.url("/helm-charts").toString();
        repository.close();

        assertThatThrownBy(() -> resolver(List.of()).resolve(new ChartRef(closed, "loki", "18.11.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chart loki version 18.11.0 is not available")
                .hasMessageContaining("the download from " + closed + " failed")
                .hasMessageContaining("--charts-dir DIR");
    }

    @Test
    void pullsFromAnOciRegistryWithAnAnonymousToken() throws IOException {
        byte[] archive = Files.readAllBytes(FixtureCharts.pack(
                FixtureCharts.copyAs("log-store", tmp.resolve("src"), "loki", "18.11.0"), tmp.resolve("packed")));
        String digest = "sha256:" + sha256(archive);
        String realm = repository.url("/token").toString();
        List<String> authorizations = new ArrayList<>();
        repository.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requested.add(request.getTarget());
                String authorization = request.getHeaders().get("Authorization");
                if (request.getTarget().startsWith("/token?")) {
                    return new MockResponse.Builder()
                            .body("{\"token\":\"anon-123\"}")
                            .build();
                }
                if (!"Bearer anon-123".equals(authorization)) {
                    return new MockResponse.Builder()
                            .code(401)
                            .addHeader(
                                    "WWW-Authenticate",
                                    "Bearer realm=\"" + realm
                                            + "\",service=\"test-registry\",scope=\"repository:charts/loki:pull\"")
                            .build();
                }
                authorizations.add(request.getTarget());
                if (request.getTarget().equals("/v2/charts/loki/manifests/18.11.0")) {
                    return new MockResponse.Builder()
                            .body("""
                            {"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"sha256:00","size":2},
                             "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}
                            """.formatted(ChartRepositoryClient.HELM_CHART_LAYER, digest, archive.length))
                            .build();
                }
                if (request.getTarget().equals("/v2/charts/loki/blobs/" + digest)) {
                    return new MockResponse.Builder()
                            .body(new Buffer().write(archive))
                            .build();
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        String reference = "oci://localhost:" + repository.getPort() + "/charts/loki";

        ResolvedChart chart = resolver(List.of()).resolve(new ChartRef(reference, "loki", "18.11.0"));

        assertThat(chart.origin()).isEqualTo(ChartOrigin.DOWNLOADED);
        assertThat(Files.readAllBytes(chart.path())).isEqualTo(archive);
        assertThat(requested)
                .anyMatch(target -> target.startsWith("/token?") && target.contains("service=test-registry"));
        assertThat(authorizations)
                .containsExactly("/v2/charts/loki/manifests/18.11.0", "/v2/charts/loki/blobs/" + digest);
    }

    @Test
    void theCacheFollowsTheEnvironment() {
        assertThat(ChartResolver.defaultCacheDir(Map.of("OBS_BOOTSTRAP_CACHE", "/var/cache/obs")))
                .isEqualTo(Path.of("/var/cache/obs/charts"));
        assertThat(ChartResolver.defaultCacheDir(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "obs-bootstrap", "charts"));
    }

    private void serveIndex(String url, String digest) {
        routes.put(
                "/helm-charts/index.yaml",
                new MockResponse.Builder()
                        .body("""
                apiVersion: v1
                entries:
                  loki:
                    - name: loki
                      version: 18.12.0
                      urls: [charts/loki-18.12.0.tgz]
                    - name: loki
                      version: %s
                      digest: "%s"
                      urls: [%s]
                  tempo:
                    - name: tempo
                      version: 2.2.4
                      urls: [charts/tempo-2.2.4.tgz]
                generated: "2026-11-01T00:00:00Z"
                """.formatted(url.replaceAll(".*loki-(.*)\\.tgz", "$1"), digest, url))
                        .build());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
