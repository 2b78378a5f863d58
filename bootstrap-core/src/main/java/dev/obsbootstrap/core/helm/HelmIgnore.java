package dev.obsbootstrap.core.helm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A chart's {@code .helmignore}, read and applied exactly as Helm applies it when it loads a chart directory, so that an
 * archive made from the directory ({@link ChartArchive}) holds the files Helm would have loaded from it, no more.
 *
 * <p>A port of Helm's {@code pkg/ignore/rules.go}
 * (https://github.com/helm/helm/blob/v3.21.0/pkg/ignore/rules.go), quirks included:
 * <ul>
 *   <li>rules are tried in order and the first that decides wins;</li>
 *   <li>a negated rule ({@code !x}) <em>ignores</em> every path it does not match and lets evaluation go on for a path it
 *       does (so {@code !*.txt} ignores every file not ending in .txt);</li>
 *   <li>a rule without a slash is matched against the base name, one with a slash against the whole path, and a
 *       leading slash anchors it at the chart's root;</li>
 *   <li>{@code **} and a pattern Go cannot compile are errors (then Helm cannot load the directory either).</li>
 * </ul>
 * Patterns are Go's {@code path/filepath.Match} on Unix (https://github.com/golang/go/blob/go1.24.0/src/path/filepath/match.go):
 * {@link #match} is a port of it, byte for byte on UTF-8, backslash escapes included.
 */
public final class HelmIgnore {
    /** The file Helm reads at the root of a chart directory. */
    public static final String FILE = ".helmignore";

    private final List<Rule> rules;

    private HelmIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules of a {@code .helmignore} text, then Helm's default ({@code templates/.?*}: no dot files in templates/). */
    public static HelmIgnore parse(String text) throws BadRule {
        List<Rule> rules = new ArrayList<>();
        // bufio.Scanner's lines: split at \n, a \r before it dropped; a BOM dropped from the first line
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> lines = new ArrayList<>(List.of(body.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the scanner yields no token after a final newline
        }
        for (String line : lines) {
            if (line.length() >= 16384 && utf8(line).length >= 65535) {
                // bufio.Scanner's limit is 64 KiB with the newline; such a file is left to Helm itself
                throw new BadRule("a line of 64 KiB or more (bufio.Scanner: token too long)");
            }
            parseRule(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line, rules);
        }
        parseRule("templates/.?*", rules);
        return new HelmIgnore(rules);
    }

    /** Only Helm's default rule: a chart without a {@code .helmignore}. */
    public static HelmIgnore defaults() {
        try {
            return parse("");
        } catch (BadRule impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Whether Helm leaves out {@code path} ('/'-separated, relative to the chart's root; a directory's own path for a
     * directory, whose whole content is then left out).
     */
    public boolean ignores(String path, boolean directory) {
        if (path.isEmpty() || path.equals(".") || path.equals("./")) {
            return false;
        }
        for (Rule rule : rules) {
            if (rule.negate) {
                if (rule.mustDir && !directory) {
                    return true;
                }
                if (!rule.matches(path)) {
                    return true;
                }
                continue;
            }
            if (rule.mustDir && !directory) {
                continue;
            }
            if (rule.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static void parseRule(String line, List<Rule> rules) throws BadRule {
        String rule = goTrimSpace(line);
        if (rule.isEmpty() || rule.startsWith("#")) {
            return;
        }
        if (rule.contains("**")) {
            throw new BadRule("double-star (**) syntax is not supported: " + rule);
        }
        byte[] whole = utf8(rule);
        if (match(whole, utf8("abc")) == Match.BAD_PATTERN) {
            throw new BadRule("syntax error in pattern: " + rule);
        }
        boolean negate = rule.startsWith("!");
        if (negate) {
            rule = rule.substring(1);
        }
        boolean mustDir = rule.endsWith("/");
        if (mustDir) {
            rule = rule.substring(0, rule.length() - 1);
        }
        Scope scope;
        if (rule.startsWith("/")) {
            scope = Scope.ROOTED;
            rule = rule.substring(1);
            if (rule.startsWith("/")) {
                // Helm's matcher trims one '/' off the rule it captured on every call, so "//x" matches differently
                // from one path to the next; such a file is left to Helm itself
                throw new BadRule("a rule starting with two slashes: " + line.strip());
            }
        } else if (rule.contains("/")) {
            scope = Scope.PATH;
        } else {
            scope = Scope.BASE_NAME;
        }
        rules.add(new Rule(utf8(rule), negate, mustDir, scope));
    }

    private enum Scope {
        /** a leading slash: the whole path, from the root ({@code rule = strings.TrimPrefix(rule, "/")}) */
        ROOTED,
        /** a slash inside: the whole path */
        PATH,
        /** no slash: the base name only ({@code filepath.Base}) */
        BASE_NAME
    }

    private record Rule(byte[] pattern, boolean negate, boolean mustDir, Scope scope) {
        /** A pattern that fails to compile here matched nothing in Helm ({@code log.Printf}, then false). */
        boolean matches(String path) {
            String name = scope == Scope.BASE_NAME ? goBase(path) : path;
            return match(pattern, utf8(name)) == Match.YES;
        }
    }

    /** A {@code .helmignore} Helm refuses: it cannot load the chart directory either. */
    public static final class BadRule extends Exception {
        BadRule(String message) {
            super(message);
        }
    }

    enum Match {
        YES,
        NO,
        BAD_PATTERN
    }

    /** Go's {@code filepath.Match(pattern, name)} on Unix: the whole name must match; '/' is the separator. */
    static Match match(byte[] pattern, byte[] name) {
        int p = 0;
        int n = 0;
        pattern:
        while (p < pattern.length) {
            boolean star = false;
            while (p < pattern.length && pattern[p] == '*') {
                p++;
                star = true;
            }
            int chunkEnd = scanChunk(pattern, p);
            if (star && chunkEnd == p) {
                // trailing * matches the rest of the name unless it holds a /
                return indexOf(name, n, (byte) '/') < 0 ? Match.YES : Match.NO;
            }
            int[] rest = new int[1];
            Match at = matchChunk(pattern, p, chunkEnd, name, n, rest);
            if (at == Match.YES && (rest[0] == name.length || chunkEnd < pattern.length)) {
                n = rest[0];
                p = chunkEnd;
                continue;
            }
            if (at == Match.BAD_PATTERN) {
                return Match.BAD_PATTERN;
            }
            if (star) {
                // look for a match skipping i+1 bytes; cannot skip a /
                for (int i = n; i < name.length && name[i] != '/'; i++) {
                    Match skipped = matchChunk(pattern, p, chunkEnd, name, i + 1, rest);
                    if (skipped == Match.YES) {
                        if (chunkEnd == pattern.length && rest[0] < name.length) {
                            continue; // the last chunk must exhaust the name
                        }
                        n = rest[0];
                        p = chunkEnd;
                        continue pattern;
                    }
                    if (skipped == Match.BAD_PATTERN) {
                        return Match.BAD_PATTERN;
                    }
                }
            }
            // before returning false, the rest of the pattern must still be well-formed
            p = chunkEnd;
            while (p < pattern.length) {
                while (p < pattern.length && pattern[p] == '*') {
                    p++;
                }
                int end = scanChunk(pattern, p);
                if (matchChunk(pattern, p, end, new byte[0], 0, rest) == Match.BAD_PATTERN) {
                    return Match.BAD_PATTERN;
                }
                p = end;
            }
            return Match.NO;
        }
        return n == name.length ? Match.YES : Match.NO;
    }

    /** The end of the chunk starting at {@code from}: the next '*' outside a character class. */
    private static int scanChunk(byte[] pattern, int from) {
        boolean inRange = false;
        int i;
        for (i = from; i < pattern.length; i++) {
            byte c = pattern[i];
            if (c == '\\') {
                if (i + 1 < pattern.length) {
                    i++;
                }
            } else if (c == '[') {
                inRange = true;
            } else if (c == ']') {
                inRange = false;
            } else if (c == '*' && !inRange) {
                break;
            }
        }
        return i;
    }

    /**
     * Whether {@code pattern[from, to)} (literals, classes, '?') matches the start of {@code name[at..]}; the rest of the
     * name goes to {@code rest[0]}. After a mismatch the chunk is still read to its end, for its syntax.
     */
    private static Match matchChunk(byte[] pattern, int from, int to, byte[] name, int at, int[] rest) {
        boolean failed = false;
        int c = from;
        int s = at;
        while (c < to) {
            if (!failed && s == name.length) {
                failed = true;
            }
            byte b = pattern[c];
            if (b == '[') {
                int r = -1;
                if (!failed) {
                    long decoded = decodeRune(name, s);
                    r = (int) (decoded >>> 32);
                    s += (int) decoded;
                }
                c++;
                boolean negated = false;
                if (c < to && pattern[c] == '^') {
                    negated = true;
                    c++;
                }
                boolean matched = false;
                int ranges = 0;
                while (true) {
                    if (c < to && pattern[c] == ']' && ranges > 0) {
                        c++;
                        break;
                    }
                    long lo = getEsc(pattern, c, to);
                    if (lo < 0) {
                        return Match.BAD_PATTERN;
                    }
                    c = (int) lo;
                    int low = (int) (lo >>> 32);
                    int high = low;
                    if (pattern[c] == '-') {
                        long hi = getEsc(pattern, c + 1, to);
                        if (hi < 0) {
                            return Match.BAD_PATTERN;
                        }
                        c = (int) hi;
                        high = (int) (hi >>> 32);
                    }
                    if (low <= r && r <= high) {
                        matched = true;
                    }
                    ranges++;
                }
                if (matched == negated) {
                    failed = true;
                }
            } else if (b == '?') {
                if (!failed) {
                    if (name[s] == '/') {
                        failed = true;
                    }
                    s += (int) decodeRune(name, s);
                }
                c++;
            } else {
                if (b == '\\') {
                    c++;
                    if (c == to) {
                        return Match.BAD_PATTERN;
                    }
                }
                if (!failed) {
                    if (pattern[c] != name[s]) {
                        failed = true;
                    }
                    s++;
                }
                c++;
            }
        }
        if (failed) {
            return Match.NO;
        }
        rest[0] = s;
        return Match.YES;
    }

    /**
     * Go's {@code getEsc}: a possibly escaped character of a class, as (rune << 32 | index after it), or -1 for a bad
     * pattern (nothing there, a bare '-' or ']', a lone '\', invalid UTF-8, or the class ending right after it).
     */
    private static long getEsc(byte[] pattern, int at, int to) {
        if (at >= to || pattern[at] == '-' || pattern[at] == ']') {
            return -1;
        }
        int c = at;
        if (pattern[c] == '\\') {
            c++;
            if (c == to) {
                return -1;
            }
        }
        long decoded = decodeRune(pattern, c, to);
        int rune = (int) (decoded >>> 32);
        int size = (int) decoded;
        if (rune == RUNE_ERROR && size == 1) {
            return -1;
        }
        c += size;
        if (c == to) {
            return -1;
        }
        return ((long) rune << 32) | c;
    }

    private static final int RUNE_ERROR = 0xFFFD;

    private static long decodeRune(byte[] bytes, int at) {
        return decodeRune(bytes, at, bytes.length);
    }

    /**
     * Go's {@code utf8.DecodeRuneInString}: (rune << 32 | bytes read); invalid or truncated UTF-8 is (U+FFFD, 1), and so
     * are surrogates and overlong forms, as Go has them.
     */
    private static long decodeRune(byte[] bytes, int at, int to) {
        int b0 = bytes[at] & 0xFF;
        if (b0 < 0x80) {
            return ((long) b0 << 32) | 1;
        }
        int size;
        int min;
        int rune;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            size = 2;
            min = 0x80;
            rune = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            size = 3;
            min = 0x800;
            rune = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            size = 4;
            min = 0x10000;
            rune = b0 & 0x07;
        } else {
            return ((long) RUNE_ERROR << 32) | 1;
        }
        if (at + size > to) {
            return ((long) RUNE_ERROR << 32) | 1;
        }
        for (int i = 1; i < size; i++) {
            int b = bytes[at + i] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                return ((long) RUNE_ERROR << 32) | 1;
            }
            rune = (rune << 6) | (b & 0x3F);
        }
        if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
            return ((long) RUNE_ERROR << 32) | 1;
        }
        return ((long) rune << 32) | size;
    }

    private static int indexOf(byte[] bytes, int from, byte b) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Go's {@code filepath.Base} on Unix: trailing slashes dropped, then the last element; "" is ".", all slashes "/". */
    static String goBase(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        String trimmed = path.substring(0, end);
        int slash = trimmed.lastIndexOf('/');
        String base = slash >= 0 ? trimmed.substring(slash + 1) : trimmed;
        return base.isEmpty() ? "/" : base;
    }

    /** Go's {@code strings.TrimSpace}: Unicode white space (unicode.IsSpace) off both ends. */
    static String goTrimSpace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && goIsSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && goIsSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean goIsSpace(char c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0 -> true;
            default -> c > 0xFF && Character.getType(c) == Character.SPACE_SEPARATOR || c == 0x2028 || c == 0x2029;
        };
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
