package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's command table against the command line itself: every command it lists exists, every option a row
 * names exists on that command (or one of its subcommands), and every command has a row.
 */
class ReadmeCommandsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z]+)[^|]*\\|(.*)\\|$");
    private static final Pattern OPTION = Pattern.compile("`(--?[a-zA-Z][a-zA-Z0-9-]*)");

    @Test
    void everyCommandHasARowAndEveryOptionARowNamesExists() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int start = readme.indexOf("| command | what it does |");
        assertThat(start).as("the README's command table").isNotNegative();
        CommandLine root = ObsBootstrapCommand.commandLine();
        Set<String> listed = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (String line : readme.subList(start + 2, readme.size())) {
            Matcher row = ROW.matcher(line);
            if (!row.matches()) {
                break;
            }
            String command = row.group(1);
            listed.add(command);
            CommandLine sub = root.getSubcommands().get(command);
            if (sub == null) {
                problems.add("README lists `" + command + "`, which is no command");
                continue;
            }
            Set<String> names = optionNames(sub);
            Matcher option = OPTION.matcher(line);
            while (option.find()) {
                if (!names.contains(option.group(1))) {
                    problems.add(
                            "README's `" + command + "` row names " + option.group(1) + ", which it does not take");
                }
            }
        }
        for (String command : root.getSubcommands().keySet()) {
            if (!command.equals("help") && !listed.contains(command)) {
                problems.add("`" + command + "` has no row in the README's command table");
            }
        }
        assertThat(problems).isEmpty();
    }

    private static Set<String> optionNames(CommandLine command) {
        Set<String> names = new HashSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            names.addAll(List.of(option.names()));
        }
        command.getSubcommands().values().forEach(sub -> names.addAll(optionNames(sub)));
        return names;
    }
}
