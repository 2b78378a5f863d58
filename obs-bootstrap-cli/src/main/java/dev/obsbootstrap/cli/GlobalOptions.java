package dev.obsbootstrap.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options may come before the subcommand, as helm and kubectl allow: {@code obs-bootstrap --debug -n obs status}
 * is read as {@code obs-bootstrap status --debug -n obs}. Only options the subcommand itself has are moved (their
 * values with them); anything else stays where it was, so picocli's own error and suggestion still apply.
 */
final class GlobalOptions {
    /** Words users of other tools type, and the command that does it here. */
    private static final Map<String, String> OTHER_TOOLS_WORDS = Map.ofEntries(
            Map.entry("install", "up"),
            Map.entry("upgrade", "up"),
            Map.entry("apply", "up"),
            Map.entry("sync", "up"),
            Map.entry("deploy", "up"),
            Map.entry("uninstall", "down"),
            Map.entry("delete", "down"),
            Map.entry("destroy", "down"),
            Map.entry("template", "plan"),
            Map.entry("render", "plan"),
            Map.entry("lint", "validate"),
            Map.entry("test", "verify"));

    private GlobalOptions() {}

    static String[] reorder(CommandLine root, String[] args) {
        List<String> leading = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int i = 0;
        // the leading run of options (and their values) ends at the first token that names a subcommand
        while (i < args.length && !root.getSubcommands().containsKey(args[i])) {
            String token = args[i];
            if (!token.startsWith("-") || token.equals("--")) {
                return args; // a positional before any subcommand: not ours to reinterpret
            }
            String name = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
            names.add(name);
            leading.add(token);
            Optional<OptionSpec> option = anySubcommandOption(root, name);
            if (option.isPresent() && option.get().arity().max() > 0 && !token.contains("=")) {
                if (i + 1 >= args.length) {
                    return args;
                }
                leading.add(args[++i]);
            }
            i++;
        }
        if (leading.isEmpty() || i >= args.length) {
            return args;
        }
        CommandLine sub = root.getSubcommands().get(args[i]);
        if (names.stream().anyMatch(name -> sub.getCommandSpec().findOption(name) == null)) {
            return args; // the subcommand has no such option (or it is --help/--version of the top command): as written
        }
        List<String> reordered = new ArrayList<>();
        reordered.add(args[i]);
        reordered.addAll(leading);
        reordered.addAll(Arrays.asList(args).subList(i + 1, args.length));
        return reordered.toArray(String[]::new);
    }

    /** The command a user of helm or kubectl probably meant by a word that is not ours. */
    static Optional<String> meant(String word) {
        return Optional.ofNullable(OTHER_TOOLS_WORDS.get(word));
    }

    private static Optional<OptionSpec> anySubcommandOption(CommandLine root, String name) {
        for (CommandLine sub : root.getSubcommands().values()) {
            OptionSpec option = sub.getCommandSpec().findOption(name);
            if (option != null) {
                return Optional.of(option);
            }
        }
        return Optional.empty();
    }
}
