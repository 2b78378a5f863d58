package dev.obsbootstrap.cli.launch;

import dev.obsbootstrap.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The entry point of both jars. A lone {@code --help}, {@code -h}, {@code --version} or {@code -V} is answered from
 * texts the build wrote from the full command line ({@code HelpTexts}, exec-maven-plugin at process-classes): no
 * command model, no picocli, no library is loaded, and from the launcher jar ({@code bin/obs-bootstrap}) the
 * application jar is not even opened. Everything else goes to {@link Main}.
 *
 * <p>This package uses the JDK only, and no lambda or string concatenation operator (each costs the JVM a
 * bootstrap of method handles at start-up; LauncherTest checks the classes a {@code --help} loads). The usage is styled
 * by {@link Terminal#styled()}, the rule the full command line follows too, so both print the same bytes.
 */
public final class Launcher {
    /** Where the build puts the texts, on the class path of both jars. */
    public static final String TEXTS = "obs-bootstrap-help/";

    private Launcher() {}

    public static void main(String[] args) {
        String answer = args.length == 1 ? answer(args[0], Terminal.styled()) : null;
        if (answer != null) {
            System.out.print(answer);
            System.out.flush();
            System.exit(0);
        }
        Main.main(args);
    }

    /**
     * The prepared answer to a lone argument, or null when the full command line must answer: another argument, a
     * picocli setting that changes the usage's layout or colours, or a build without the texts (classes run from
     * an IDE).
     */
    static String answer(String argument, boolean styled) {
        if (System.getProperty("picocli.usage.width") != null || System.getProperty("picocli.ansi") != null) {
            return null;
        }
        String text;
        switch (argument) {
            case "--help", "-h" -> text = read(styled ? "usage.ansi.txt" : "usage.txt");
            case "--version", "-V" -> {
                text = read("version.txt");
                // the JVM running it is only known now
                text = text == null
                        ? null
                        : text.concat("java ")
                                .concat(System.getProperty("java.version"))
                                .concat("\n");
            }
            default -> text = null;
        }
        return text == null ? null : text.replace("\n", System.lineSeparator());
    }

    private static String read(String name) {
        try (InputStream in = Launcher.class.getClassLoader().getResourceAsStream(TEXTS.concat(name))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
