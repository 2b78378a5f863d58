package dev.obsbootstrap.core.probe;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * One HTTP exchange as a probe sees it: either an answer (status code and body) or a transport failure (connection
 * refused, timeout) that {@link #answered()} reports as false. Transport failures are values, not exceptions, so
 * every probe can say which component did not answer and what it tried. {@code date} is the answer's {@code Date}
 * header ("" when it had none): the server's clock, which probes use where the client's clock may be skewed.
 */
public record HttpReply(String method, HttpUrl url, int code, String body, String transportError, String date) {
    private static final int EXCERPT = 300;

    public HttpReply {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(transportError, "transportError");
        Objects.requireNonNull(date, "date");
    }

    public static HttpReply answered(String method, HttpUrl url, int code, String body, String date) {
        return new HttpReply(method, url, code, body, "", date);
    }

    public static HttpReply unanswered(String method, HttpUrl url, String transportError) {
        return new HttpReply(method, url, -1, "", transportError, "");
    }

    /** The server's clock when it answered, from the Date header (HTTP-date, second precision); empty without one. */
    public Optional<Instant> serverTime() {
        if (date.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public boolean answered() {
        return code >= 0;
    }

    public boolean is(int expected) {
        return code == expected;
    }

    public boolean isSuccessful() {
        return code >= 200 && code < 300;
    }

    /** {@code GET http://host:port/path}: what was tried. */
    public String request() {
        return method + " " + url;
    }

    /** The body on one line, cut to a few hundred characters. */
    public String excerpt() {
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "...";
    }

    /**
     * What was tried and seen, on one line: {@code GET url -> 503 'Ingester not ready'}, or
     * {@code GET url -> no answer (Failed to connect to /127.0.0.1:9093)}.
     */
    public String describe() {
        if (!answered()) {
            return request() + " -> no answer (" + transportError + ")";
        }
        String excerpt = excerpt();
        return request() + " -> " + code + (excerpt.isEmpty() ? "" : " '" + excerpt + "'");
    }

    /** The body as JSON; a body that is not JSON throws with the request and an excerpt in the message. */
    public JsonNode json() {
        return Json.parse(body, this::describe);
    }
}
