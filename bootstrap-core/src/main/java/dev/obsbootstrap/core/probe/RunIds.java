package dev.obsbootstrap.core.probe;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Run ids for probe data: short, lower-case, valid as a Loki or Alertmanager label value and in a log line. */
public final class RunIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {
    }

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
}
