package dev.obsbootstrap.core.probe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** Run ids for probe data: short, lower-case, valid as a label value and in a log line. */
public final class RunIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    /** {@code obs-} plus 12 hex digits, e.g. {@code obs-3f9c0a1b2d4e}. */
    public static String next() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return "obs-" + HexFormat.of().formatHex(bytes);
    }

    /** {@code count} random bytes as lower-case hex: OTLP trace ids (16 bytes) and span ids (8 bytes). */
    public static String hex(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The OTLP trace id (16 bytes, hex) of a run: derived from the run id, so every probe of the run (the span round
     * trip, a search, a query through the UI) names the same trace without passing state between probes,
     * and no other run can produce it.
     */
    public static String traceId(String runId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("obs-bootstrap trace " + runId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
