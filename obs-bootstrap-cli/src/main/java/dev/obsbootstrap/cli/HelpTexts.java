package dev.obsbootstrap.cli;

import dev.obsbootstrap.cli.launch.Launcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * Writes the texts {@link Launcher} prints for a lone {@code --help} or {@code --version}, from the full command line
 * itself: the build runs this after compiling (exec-maven-plugin, process-classes), so a changed option or
 * description changes the text in the same build. LauncherTest holds the launcher's output equal to the full
 * command line's, plain and styled.
 */
public final class HelpTexts {
    private HelpTexts() {}

    /** File name (under {@link Launcher#TEXTS}) to text, with {@code \n} line ends. */
    static Map<String, String> texts() {
        CommandLine cli = ObsBootstrapCommand.commandLine();
        Map<String, String> texts = new TreeMap<>();
        texts.put("usage.txt", unix(cli.getUsageMessage(Ansi.OFF)));
        texts.put("usage.ansi.txt", unix(cli.getUsageMessage(Ansi.ON)));
        texts.put("version.txt", String.join("\n", VersionProvider.buildLines()) + "\n");
        return texts;
    }

    private static String unix(String text) {
        return text.replace(System.lineSeparator(), "\n");
    }

    /** {@code HelpTexts CLASSES_DIR}: writes the texts under CLASSES_DIR/{@value Launcher#TEXTS}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: HelpTexts CLASSES_DIR");
        }
        Path dir = Path.of(args[0]).resolve(Launcher.TEXTS);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> text : texts().entrySet()) {
            Files.writeString(dir.resolve(text.getKey()), text.getValue(), StandardCharsets.UTF_8);
        }
    }
}
