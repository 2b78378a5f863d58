package dev.obsbootstrap.cli.launch;

import java.util.Map;

/**
 * Whether output goes to a person at a terminal, and whether it may be coloured: the one rule for the progress
 * console and the usage help, so {@code --help} is styled exactly when the console's progress line is. Java only.
 */
public final class Terminal {
    private Terminal() {}

    /**
     * A terminal when the JVM has a console (stdin and stdout are terminals), {@code TERM} names a real terminal,
     * and no CI system says otherwise. Java cannot ask whether stderr itself is a terminal, so {@code 2>file} on a
     * terminal still counts as one: set {@code CI=true} or {@code TERM=dumb} to get plain lines.
     */
    public static boolean interactive(boolean hasConsole, Map<String, String> env) {
        String term = env.getOrDefault("TERM", "");
        String ci = env.getOrDefault("CI", "");
        boolean inCi = "true".equalsIgnoreCase(ci) || "1".equals(ci);
        return hasConsole && !term.isBlank() && !"dumb".equals(term) && !inCi;
    }

    /** https://no-color.org: any non-empty NO_COLOR turns colour off. */
    public static boolean colorAllowed(Map<String, String> env) {
        return env.getOrDefault("NO_COLOR", "").isEmpty();
    }

    /** Styled output (ANSI colours and bold): an interactive terminal that allows colour. */
    public static boolean styled(boolean hasConsole, Map<String, String> env) {
        return interactive(hasConsole, env) && colorAllowed(env);
    }

    /** {@link #styled} for this process. */
    public static boolean styled() {
        return styled(System.console() != null, System.getenv());
    }
}
