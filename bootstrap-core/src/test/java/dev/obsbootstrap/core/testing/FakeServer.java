package dev.obsbootstrap.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A MockWebServer on 127.0.0.1 answering through a function of the request (a Dispatcher, so fakes can keep
 * state the way the real server does), recording every request line it saw. Every answer carries a {@code Date}
 * header from the server's own clock, as Go's net/http server adds one to every response (golang/go
 * src/net/http/server.go, go1.24, {@code response.WriteHeader}/{@code cw.writeHeader}); {@link #clockOffset} puts that
 * clock ahead of or behind this machine's, to test clock skew.
 */
public final class FakeServer implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.shared();

    private final MockWebServer server = new MockWebServer();
    private final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());
    private volatile Duration clockOffset = Duration.ZERO;

    public FakeServer(String name, Function<RecordedRequest, MockResponse> handler) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requestLines.add(request.getMethod() + " " + request.getTarget());
                MockResponse response;
                try {
                    response = handler.apply(request);
                } catch (RuntimeException e) {
                    response = text(500, name + " fake failed: " + e);
                }
                if (response.getHeaders().get("Date") != null) {
                    return response;
                }
                return response.newBuilder()
                        .setHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(now().atOffset(ZoneOffset.UTC)))
                        .build();
            }
        });
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " fake", e);
        }
    }

    /** The server's clock: this machine's plus {@link #clockOffset}. */
    public Instant now() {
        return Instant.now().plus(clockOffset);
    }

    /** Puts the server's clock this far ahead (negative: behind) of this machine's. */
    public void clockOffset(Duration offset) {
        this.clockOffset = offset;
    }

    public HttpUrl url() {
        return server.url("/");
    }

    public List<String> requestLines() {
        synchronized (requestLines) {
            return List.copyOf(requestLines);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    public static MockResponse text(int code, String body) {
        return new MockResponse.Builder()
                .code(code)
                .setHeader("Content-Type", "text/plain; charset=utf-8")
                .body(body)
                .build();
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse.Builder()
                .code(code)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    public static MockResponse json(int code, JsonNode body) {
        return json(code, JSON.writeValueAsString(body));
    }

    public static MockResponse empty(int code) {
        return new MockResponse.Builder().code(code).build();
    }

    public static String body(RecordedRequest request) {
        return request.getBody() == null ? "" : request.getBody().string(StandardCharsets.UTF_8);
    }

    public static JsonNode jsonBody(RecordedRequest request) {
        return JSON.readTree(body(request));
    }

    public static String path(RecordedRequest request) {
        return request.getUrl().encodedPath();
    }
}
