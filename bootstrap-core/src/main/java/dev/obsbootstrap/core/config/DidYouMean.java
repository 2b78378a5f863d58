package dev.obsbootstrap.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Suggestions for misspelled keys and names, by optimal-string-alignment distance (Levenshtein plus adjacent
 * transpositions, so {@code namesapce} is one edit from {@code namespace}).
 */
public final class DidYouMean {
    private DidYouMean() {}

    /** The closest candidate, when it is close enough to be what the user meant. Case is ignored. */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        String typed = input.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(typed, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // never suggest by replacing the whole word: "a" is not a typo of "ci"
        if (best == null || bestDistance > allowedEdits(typed) || bestDistance >= typed.length()) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /**
     * The tail of a message: {@code did you mean 'namespace'?} when one candidate is close,
     * else {@code expected one of: a, b, c}.
     */
    public static String hint(String input, Collection<String> candidates) {
        return closest(input, candidates)
                .map(match -> "did you mean '" + match + "'?")
                .orElseGet(() -> "expected one of: " + String.join(", ", candidates));
    }

    // A third of the word, at least two edits: catches one typo in short words and a missing prefix in long ones.
    private static int allowedEdits(String typed) {
        return Math.max(2, typed.length() / 3);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }
}
