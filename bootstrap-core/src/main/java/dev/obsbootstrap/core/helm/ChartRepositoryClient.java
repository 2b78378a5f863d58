package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Downloads a pinned chart archive, the way {@code helm pull} does (helm-java 0.0.21 has no pull):
 * from an https repository through its index.yaml, or from an OCI registry ({@code oci://host/path/name})
 * with an anonymous pull token. The archive's sha256 is checked against the index or the registry's digest.
 */
public final class ChartRepositoryClient {
    static final String HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final Supplier<OkHttpClient> newHttp;
    /** Built on the first download: plan and up with every chart local or cached never need one (TLS set-up included). */
    private OkHttpClient http;

    /** Built on the first download too: Jackson's set-up is a quarter of a second of a cold plan's critical path. */
    private JsonMapper json;
    /** index.yaml per repository URL: three of our charts share one big index. */
    private final Map<String, Map<?, ?>> indexes = new HashMap<>();

    public ChartRepositoryClient(OkHttpClient http) {
        Objects.requireNonNull(http, "http");
        this.newHttp = () -> http;
    }

    private ChartRepositoryClient(Supplier<OkHttpClient> newHttp) {
        this.newHttp = newHttp;
    }

    public static ChartRepositoryClient create() {
        return new ChartRepositoryClient(() -> new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(60))
                .callTimeout(Duration.ofMinutes(5))
                .build());
    }

    private synchronized JsonMapper json() {
        if (json == null) {
            json = JsonMapper.builder().build();
        }
        return json;
    }

    private synchronized OkHttpClient http() {
        if (http == null) {
            http = newHttp.get();
        }
        return http;
    }

    /** Writes the chart archive to {@code target} (replacing it atomically), or throws an IOException saying what failed. */
    public void download(ChartRef ref, Path target) throws IOException {
        if (ref.isOci()) {
            downloadOci(ref, target);
        } else {
            downloadFromIndex(ref, target);
        }
    }

    private void downloadFromIndex(ChartRef ref, Path target) throws IOException {
        String base = ref.repository().endsWith("/") ? ref.repository() : ref.repository() + "/";
        HttpUrl baseUrl = HttpUrl.parse(base);
        if (baseUrl == null) {
            throw new IOException("'" + ref.repository() + "' is not an http(s) URL or oci:// reference");
        }
        Map<?, ?> index = indexes.get(base);
        if (index == null) {
            index = fetchIndex(baseUrl.resolve("index.yaml"));
            indexes.put(base, index);
        }
        Map<?, ?> entry = findEntry(index, ref);
        if (!(entry.get("urls") instanceof List<?> urls) || urls.isEmpty()) {
            throw new IOException(
                    "index.yaml of " + ref.repository() + " lists " + ref.coordinate() + " without a download URL");
        }
        HttpUrl url = baseUrl.resolve(String.valueOf(urls.get(0)));
        if (url == null) {
            throw new IOException("index.yaml of " + ref.repository() + " gives " + ref.coordinate()
                    + " an unusable URL: " + urls.get(0));
        }
        String digest = entry.get("digest") == null ? "" : String.valueOf(entry.get("digest"));
        fetchTo(new Request.Builder().url(url).build(), target, digest);
    }

    private Map<?, ?> fetchIndex(HttpUrl url) throws IOException {
        try (Response response =
                http().newCall(new Request.Builder().url(url).build()).execute()) {
            if (!response.isSuccessful()) {
                throw new IOException("GET " + url + " answered HTTP " + response.code());
            }
            Object loaded;
            try (InputStream body = response.body().byteStream()) {
                loaded = PlainYaml.create().load(body);
            } catch (RuntimeException e) {
                throw new IOException(url + " is not a Helm repository index: " + e.getMessage(), e);
            }
            if (!(loaded instanceof Map<?, ?> index) || !(index.get("entries") instanceof Map<?, ?>)) {
                throw new IOException(url + " is not a Helm repository index (no 'entries')");
            }
            return index;
        }
    }

    /**
     * Every version the repository offers of this chart, as it lists them: index.yaml's {@code entries.<name>[].version}
     * for an https repository, the registry's tags ({@code GET /v2/<name>/tags/list}, anonymous token) for OCI.
     */
    public List<String> versions(ChartRef ref) throws IOException {
        if (ref.isOci()) {
            return ociTags(ref);
        }
        String base = ref.repository().endsWith("/") ? ref.repository() : ref.repository() + "/";
        HttpUrl baseUrl = HttpUrl.parse(base);
        if (baseUrl == null) {
            throw new IOException("'" + ref.repository() + "' is not an http(s) URL or oci:// reference");
        }
        Map<?, ?> index = indexes.get(base);
        if (index == null) {
            index = fetchIndex(baseUrl.resolve("index.yaml"));
            indexes.put(base, index);
        }
        Map<?, ?> entries = (Map<?, ?>) index.get("entries");
        if (!(entries.get(ref.name()) instanceof List<?> listed)) {
            throw new IOException("the repository " + ref.repository() + " has no chart named '" + ref.name() + "'");
        }
        List<String> versions = new java.util.ArrayList<>();
        for (Object version : listed) {
            if (version instanceof Map<?, ?> entry && entry.get("version") != null) {
                versions.add(String.valueOf(entry.get("version")));
            }
        }
        return versions;
    }

    private List<String> ociTags(ChartRef ref) throws IOException {
        OciLocation location = OciLocation.of(ref);
        HttpUrl registry = location.registry();
        String repository = location.repository();
        HttpUrl url = registry.resolve("v2/" + repository + "/tags/list");
        Request request = new Request.Builder().url(url).build();
        String authorization = "";
        try (Response response = http().newCall(request).execute()) {
            if (response.code() == 401) {
                authorization = anonymousToken(response.header("WWW-Authenticate", ""), repository);
            } else {
                return tags(response, url);
            }
        }
        try (Response response = http().newCall(request.newBuilder()
                        .header("Authorization", authorization)
                        .build())
                .execute()) {
            return tags(response, url);
        }
    }

    private List<String> tags(Response response, HttpUrl url) throws IOException {
        if (!response.isSuccessful()) {
            throw new IOException("GET " + url + " answered HTTP " + response.code());
        }
        List<String> tags = new java.util.ArrayList<>();
        // Helm stores a version's '+' as '_' in a tag (OCI tags allow no '+')
        json().readTree(response.body().string())
                .path("tags")
                .forEach(tag -> tags.add(tag.asString("").replace('_', '+')));
        return tags;
    }

    private static Map<?, ?> findEntry(Map<?, ?> index, ChartRef ref) throws IOException {
        Map<?, ?> entries = (Map<?, ?>) index.get("entries");
        if (!(entries.get(ref.name()) instanceof List<?> versions)) {
            throw new IOException("the repository has no chart named '" + ref.name() + "'");
        }
        for (Object version : versions) {
            if (version instanceof Map<?, ?> entry && ref.version().equals(String.valueOf(entry.get("version")))) {
                return entry;
            }
        }
        throw new IOException("the repository has chart '" + ref.name() + "' but not version " + ref.version());
    }

    private void downloadOci(ChartRef ref, Path target) throws IOException {
        OciLocation location = OciLocation.of(ref);
        HttpUrl registry = location.registry();
        String repository = location.repository();
        HttpUrl manifestUrl = registry.resolve("v2/" + repository + "/manifests/" + ref.version());
        Request manifestRequest = new Request.Builder()
                .url(manifestUrl)
                .header("Accept", OCI_MANIFEST)
                .build();
        String authorization = "";
        JsonNode manifest = null;
        try (Response response = http().newCall(manifestRequest).execute()) {
            if (response.code() == 401) {
                authorization = anonymousToken(response.header("WWW-Authenticate", ""), repository);
            } else {
                manifest = readManifest(response, manifestUrl, ref);
            }
        }
        if (manifest == null) {
            try (Response response = http().newCall(manifestRequest
                            .newBuilder()
                            .header("Authorization", authorization)
                            .build())
                    .execute()) {
                manifest = readManifest(response, manifestUrl, ref);
            }
        }
        fetchLayer(registry, repository, manifest, authorization, target, ref);
    }

    /** Loopback registries (tests, local mirrors) speak plain http, like helm's --plain-http; everything else https. */
    private static String scheme(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("localhost") || lower.startsWith("127.0.0.1") ? "http" : "https";
    }

    private JsonNode readManifest(Response response, HttpUrl url, ChartRef ref) throws IOException {
        if (response.code() == 404) {
            throw new IOException("the registry has no " + ref.name() + " version " + ref.version() + " (GET " + url
                    + " answered 404)");
        }
        if (!response.isSuccessful()) {
            throw new IOException("GET " + url + " answered HTTP " + response.code());
        }
        return json().readTree(response.body().string());
    }

    private void fetchLayer(
            HttpUrl registry, String repository, JsonNode manifest, String authorization, Path target, ChartRef ref)
            throws IOException {
        for (JsonNode layer : manifest.path("layers")) {
            if (HELM_CHART_LAYER.equals(layer.path("mediaType").asString(""))) {
                String digest = layer.path("digest").asString("");
                Request.Builder blob =
                        new Request.Builder().url(registry.resolve("v2/" + repository + "/blobs/" + digest));
                if (!authorization.isEmpty()) {
                    blob.header("Authorization", authorization);
                }
                fetchTo(blob.build(), target, digest);
                return;
            }
        }
        throw new IOException("the OCI artifact " + ref.repository() + ":" + ref.version()
                + " has no Helm chart layer (" + HELM_CHART_LAYER + ")");
    }

    /** The registry's Bearer challenge, answered anonymously: the token endpoint gives pull tokens for public charts. */
    private String anonymousToken(String challenge, String repository) throws IOException {
        if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new IOException("the registry wants credentials ("
                    + (challenge.isEmpty() ? "no challenge" : challenge) + "); obs-bootstrap pulls public charts only");
        }
        Map<String, String> params = new HashMap<>();
        Matcher matcher = CHALLENGE_PARAM.matcher(challenge);
        while (matcher.find()) {
            params.put(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2));
        }
        HttpUrl realm = HttpUrl.parse(params.getOrDefault("realm", ""));
        if (realm == null) {
            throw new IOException("the registry's challenge has no usable realm: " + challenge);
        }
        HttpUrl.Builder tokenUrl = realm.newBuilder()
                .addQueryParameter("scope", params.getOrDefault("scope", "repository:" + repository + ":pull"));
        if (params.containsKey("service")) {
            tokenUrl.addQueryParameter("service", params.get("service"));
        }
        try (Response response = http().newCall(
                        new Request.Builder().url(tokenUrl.build()).build())
                .execute()) {
            if (!response.isSuccessful()) {
                throw new IOException("the registry refused an anonymous pull token (HTTP " + response.code()
                        + "); the chart may not be public");
            }
            JsonNode body = json().readTree(response.body().string());
            String token = body.path("token").asString(body.path("access_token").asString(""));
            if (token.isEmpty()) {
                throw new IOException("the registry's token endpoint answered without a token");
            }
            return "Bearer " + token;
        }
    }

    /** Streams the body to a temporary file beside target, checks the sha256 when one is expected, then moves it into place. */
    private void fetchTo(Request request, Path target, String expectedDigest) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path partial = Files.createTempFile(
                target.toAbsolutePath().getParent(), target.getFileName().toString(), ".partial");
        try {
            String actual;
            try (Response response = http().newCall(request).execute()) {
                if (!response.isSuccessful()) {
                    throw new IOException("GET " + request.url() + " answered HTTP " + response.code());
                }
                ResponseBody body = response.body();
                MessageDigest sha256 = Sha256.newDigest();
                try (InputStream in = new DigestInputStream(body.byteStream(), sha256);
                        OutputStream out = Files.newOutputStream(partial)) {
                    in.transferTo(out);
                }
                actual = HexFormat.of().formatHex(sha256.digest());
            }
            String expected = expectedDigest.startsWith("sha256:") ? expectedDigest.substring(7) : expectedDigest;
            if (!expected.isEmpty() && !expected.equalsIgnoreCase(actual)) {
                throw new IOException("the download from " + request.url() + " is corrupt: sha256 " + actual
                        + ", expected " + expected);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** An oci:// chart reference: the registry's base URL and the chart's repository path in it. */
    private record OciLocation(HttpUrl registry, String repository) {
        static OciLocation of(ChartRef ref) throws IOException {
            String reference = ref.repository().substring("oci://".length());
            int slash = reference.indexOf('/');
            if (slash <= 0) {
                throw new IOException(
                        "'" + ref.repository() + "' is not an OCI reference like oci://registry/path/" + ref.name());
            }
            String host = reference.substring(0, slash);
            String repository = reference.substring(slash + 1);
            if (!repository.endsWith("/" + ref.name()) && !repository.equals(ref.name())) {
                // catalog entries name the chart inside the reference; accept a reference to the parent path too
                repository = repository + "/" + ref.name();
            }
            HttpUrl registry = HttpUrl.parse(scheme(host) + "://" + host + "/");
            if (registry == null) {
                throw new IOException("'" + host + "' is not a registry host");
            }
            return new OciLocation(registry, repository);
        }
    }
}
