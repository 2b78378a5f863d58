package dev.obsbootstrap.core.probe;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import okhttp3.Credentials;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The HTTP side of probes: one client configuration and a few request helpers that resolve a topology endpoint
 * through the {@link ProbeContext}, never follow a component by name, and turn transport failures into
 * {@link HttpReply} values. An interrupted thread gets an {@link InterruptedException}, never a reply.
 */
public final class ProbeHttp {
    public static final MediaType JSON = MediaType.get("application/json");

    /** Connect quickly or not at all: the probe's polling retries, not the client. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private ProbeHttp() {}

    /** The probe client: no OkHttp-level retries, short timeouts, no cookies or cache. */
    public static OkHttpClient newClient() {
        return new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .writeTimeout(READ_TIMEOUT)
                .callTimeout(READ_TIMEOUT.plus(CONNECT_TIMEOUT))
                .build();
    }

    /**
     * The URL of {@code path} (relative to the endpoint's base URL, which may itself have a path such as a
     * UI served under a sub-path) plus query parameters given as name, value, name, value...
     */
    public static HttpUrl url(ProbeContext context, String endpoint, String path, String... query) {
        return resolve(context.endpoint(endpoint), path, query);
    }

    public static HttpUrl resolve(HttpUrl base, String path, String... query) {
        if (query.length % 2 != 0) {
            throw new IllegalArgumentException("query parameters come in name/value pairs: " + String.join(",", query));
        }
        HttpUrl.Builder builder = base.newBuilder();
        String basePath = base.encodedPath();
        String relative = path.startsWith("/") ? path.substring(1) : path;
        builder.encodedPath(basePath.endsWith("/") ? basePath : basePath + "/");
        if (!relative.isEmpty()) {
            builder.addPathSegments(relative);
        }
        for (int i = 0; i < query.length; i += 2) {
            builder.addQueryParameter(query[i], query[i + 1]);
        }
        return builder.build();
    }

    public static HttpReply get(ProbeContext context, HttpUrl url, Headers headers) throws InterruptedException {
        return execute(
                context, new Request.Builder().url(url).headers(headers).get().build());
    }

    public static HttpReply get(ProbeContext context, HttpUrl url) throws InterruptedException {
        return get(context, url, Headers.EMPTY);
    }

    public static HttpReply post(ProbeContext context, HttpUrl url, String body, MediaType type, Headers headers)
            throws InterruptedException {
        return execute(
                context,
                new Request.Builder()
                        .url(url)
                        .headers(headers)
                        .post(RequestBody.create(body, type))
                        .build());
    }

    public static HttpReply postJson(ProbeContext context, HttpUrl url, String json, Headers headers)
            throws InterruptedException {
        return execute(
                context,
                new Request.Builder()
                        .url(url)
                        .headers(headers)
                        .post(RequestBody.create(json, JSON))
                        .build());
    }

    /** A Basic Authorization header from the context's credentials for the endpoint; no headers when it has none. */
    public static Headers basicAuth(ProbeContext context, String endpoint) {
        return context.credentials(endpoint)
                .map(c -> Headers.of("Authorization", Credentials.basic(c.username(), c.password())))
                .orElse(Headers.EMPTY);
    }

    public static HttpReply execute(ProbeContext context, Request request) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        return context.exchange(request);
    }

    /** One exchange over plain OkHttp: what a context does for URLs it reaches directly (explicit URLs, port-forwards). */
    public static HttpReply send(OkHttpClient client, Request request) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted before " + request.method() + " " + request.url());
        }
        try (Response response = client.newCall(request).execute()) {
            ResponseBody body = response.body();
            String date = response.header("Date");
            return HttpReply.answered(
                    request.method(), request.url(), response.code(), body.string(), date == null ? "" : date);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                InterruptedException interrupted =
                        new InterruptedException("interrupted during " + request.method() + " " + request.url());
                interrupted.initCause(e);
                throw interrupted;
            }
            return HttpReply.unanswered(request.method(), request.url(), describe(e));
        }
    }

    static String describe(Exception e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }
}
