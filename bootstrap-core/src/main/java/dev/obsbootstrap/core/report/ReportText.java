package dev.obsbootstrap.core.report;

import java.time.Duration;
import java.util.Locale;

/** Small text helpers shared by the report writers. */
final class ReportText {
    private ReportText() {}

    /**
     * Control characters (other than newline and tab), lone surrogates and the non-characters U+FFFE/U+FFFF shown
     * as {@code \\uXXXX}: an ANSI escape in a probe's observed body must not repaint a terminal, and XML 1.0
     * cannot hold these characters at all, not even as character references.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c)) {
                ok = i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
                if (ok) {
                    if (out != null) {
                        out.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else if (Character.isLowSurrogate(c)) {
                ok = false;
            } else {
                ok = c == '\n'
                        || c == '\t'
                        || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f) && c != 0xfffe && c != 0xffff);
            }
            if (ok) {
                if (out != null) {
                    out.append(c);
                }
            } else {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    /** One line: line breaks and tabs become single spaces (for table cells and XML attributes). */
    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*[\\r\\n\\t]+\\s*", " ");
    }

    /** Cut to at most {@code max} characters, marking the cut. */
    static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** 250ms, 5.2s, 1m30s: short and human. */
    static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append('h');
        }
        if (seconds % 3600 >= 60) {
            text.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 != 0) {
            text.append(seconds % 60).append('s');
        }
        return text.toString();
    }

    /** Seconds with millisecond precision and a dot whatever the locale, as JUnit's time attributes want. */
    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, duration.toMillis()) / 1000.0);
    }
}
