package dev.obsbootstrap.core.probe;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.Request;
import okio.Buffer;
import tools.jackson.databind.JsonNode;

/**
 * Requests through the API server's service and pod proxies, sent with the kube client's own HTTP client (its TLS,
 * token refresh and exec credentials), and how to read what the API server itself says about them.
 *
 * <p>What the API server answers, as read in kubernetes v1.31: no ready endpoint behind the Service is 503
 * {@code Status} "no endpoints available for service \"NAME\"" (staging/src/k8s.io/apiserver/pkg/util/proxy/proxy.go,
 * ResolveEndpoint); a pod that cannot be dialled is 503 {@code Status} "error trying to reach service: dial tcp ..."
 * (staging/src/k8s.io/apimachinery/pkg/util/proxy/transport.go, RoundTrip); a caller without RBAC for the
 * {@code services/proxy} or {@code pods/proxy} subresource gets 403 {@code Status} reason Forbidden. Anything else is
 * the backend's own answer, headers (Date) included.
 */
final class ApiServerProxy {
    private ApiServerProxy() {}

    static HttpReply send(KubernetesClient client, Request request) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted before " + request.method() + " " + request.url());
        }
        HttpClient http = client.getHttpClient();
        HttpRequest.Builder builder = http.newHttpRequestBuilder()
                .uri(request.url().uri())
                .timeout(ProbeHttp.READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        request.headers().forEach(header -> builder.header(header.getFirst(), header.getSecond()));
        if (request.body() != null) {
            Buffer buffer = new Buffer();
            try {
                request.body().writeTo(buffer);
            } catch (IOException e) {
                return HttpReply.unanswered(
                        request.method(), request.url(), "cannot encode the request body: " + e.getMessage());
            }
            String type = request.body().contentType() == null
                    ? "application/octet-stream"
                    : request.body().contentType().toString();
            builder.method(request.method(), type, buffer.readUtf8());
        } else if (!request.method().equals("GET")) {
            builder.method(request.method(), "text/plain", "");
        }
        CompletableFuture<HttpResponse<String>> future = http.sendAsync(builder.build(), String.class);
        try {
            HttpResponse<String> response = future.get(
                    ProbeHttp.READ_TIMEOUT.plus(ProbeHttp.CONNECT_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
            String date = response.header("Date");
            String body = response.body() == null ? "" : response.body();
            return HttpReply.answered(request.method(), request.url(), response.code(), body, date == null ? "" : date);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            future.cancel(true);
            return HttpReply.unanswered(
                    request.method(),
                    request.url(),
                    "no answer from the API server within "
                            + ProbeHttp.READ_TIMEOUT
                                    .plus(ProbeHttp.CONNECT_TIMEOUT)
                                    .toSeconds() + "s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return HttpReply.unanswered(
                    request.method(),
                    request.url(),
                    cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
    }

    /** The API server's own refusal of the proxy (403 Status for the proxy subresource), or empty. */
    static Optional<String> refusal(HttpReply reply) {
        if (!reply.is(403)) {
            return Optional.empty();
        }
        return status(reply)
                .filter(s -> "Forbidden".equals(Json.text(s, "reason")))
                .filter(s -> Json.text(s, "message").contains("proxy"))
                .map(s -> Json.text(s, "message"));
    }

    /**
     * The API server's 503 when its dial to the pod timed out: packets dropped on the way, which is what a
     * NetworkPolicy admitting no connection from the control plane does (kubernetes v1.31
     * staging/src/k8s.io/apimachinery/pkg/util/proxy/upgradeaware.go: "error trying to reach service: " + the
     * dialer's error, "dial tcp IP:PORT: i/o timeout"). Not a refused connection: a server that does not listen on the
     * pod IP refuses, and in-cluster clients would be refused too, so that must stay a failure.
     */
    static Optional<String> droppedOnTheWay(HttpReply reply) {
        if (!reply.is(503)) {
            return Optional.empty();
        }
        return status(reply)
                .filter(s -> "ServiceUnavailable".equals(Json.text(s, "reason")))
                .map(s -> Json.text(s, "message"))
                .filter(message ->
                        message.startsWith("error trying to reach service:") && message.endsWith("i/o timeout"));
    }

    /**
     * The API server's 503 for a Service without ready endpoints or a pod it cannot dial, as an unanswered reply
     * carrying its message: what an in-cluster client would see as a refused connection. Empty for the backend's own
     * answers (a 503 "not ready" from the server stays an answer).
     */
    static Optional<HttpReply> unreachableBackend(HttpReply reply) {
        if (!reply.is(503)) {
            return Optional.empty();
        }
        return status(reply)
                .filter(s -> "ServiceUnavailable".equals(Json.text(s, "reason")))
                .map(s -> HttpReply.unanswered(
                        reply.method(), reply.url(), "API server proxy: " + Json.text(s, "message")));
    }

    private static Optional<JsonNode> status(HttpReply reply) {
        String body = reply.body().strip();
        if (!body.startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode node = reply.json();
            return "Status".equals(Json.text(node, "kind")) && "v1".equals(Json.text(node, "apiVersion"))
                    ? Optional.of(node)
                    : Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }
}
