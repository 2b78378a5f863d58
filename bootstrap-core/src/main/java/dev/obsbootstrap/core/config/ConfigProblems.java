package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects every problem found in one config (or catalog, or profile) so the user fixes them all in one go,
 * then turns them into one {@link ConfigException}. Each line reads {@code file:line:col: key.path: what is wrong; what to do}.
 */
public final class ConfigProblems {
    private static final int MAX_SHOWN = 25;

    public record Problem(SourceLocation location, String path, String message) {
        String render(Set<String> sensitiveSources) {
            SourceLocation shown = sensitiveSources.contains(location.source()) ? location.redacted() : location;
            return shown + ": " + (path.isEmpty() ? "" : path + ": ") + message;
        }
    }

    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> sensitiveSources = new HashSet<>();

    public void add(SourceLocation location, String path, String message) {
        problems.add(new Problem(location, path, message));
    }

    /**
     * The source (a --set argument) holds a literal credential: never print its value, in any of its problems.
     * Files are not affected: a message names only their line, never its text.
     */
    public void markSensitive(SourceLocation location) {
        sensitiveSources.add(location.source());
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public int size() {
        return problems.size();
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Throws one exception listing every problem, when there is any. */
    public void throwIfAny() {
        if (problems.isEmpty()) {
            return;
        }
        if (problems.size() == 1) {
            throw new ConfigException(problems.get(0).render(sensitiveSources));
        }
        StringBuilder message = new StringBuilder().append(problems.size()).append(" problems in the configuration:");
        problems.stream().limit(MAX_SHOWN).forEach(p -> message.append("\n  ").append(p.render(sensitiveSources)));
        if (problems.size() > MAX_SHOWN) {
            message.append("\n  ... and ").append(problems.size() - MAX_SHOWN).append(" more");
        }
        throw new ConfigException(message.toString());
    }
}
