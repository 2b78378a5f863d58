package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.plan.EnvironmentComparison;
import dev.obsbootstrap.core.plan.EnvironmentComparison.ComponentDifference;
import dev.obsbootstrap.core.plan.EnvironmentComparison.Result;
import dev.obsbootstrap.core.plan.EnvironmentComparison.ValueChange;
import dev.obsbootstrap.core.plan.KubeVersionChoice;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Show where two environments differ, per component: installed or not, chart versions, replicas, retention, "
                    + "alert receivers and every other values key path, plus the profiles' timeouts and probe deadline.",
            "An environment is a profile (dev, prod, a profile of the config repository such as team-prod, or the path "
                    + "of a profile file), rendered with the config of -f; or a config file of its own (a file that "
                    + "starts with apiVersion). Offline: values are rendered from the templates, no chart or cluster "
                    + "is read.",
            "Exit 0 when they are the same, 1 when they differ, 2 on bad input."
        })
public final class CompareCommand extends BaseCommand {
    private static final Pattern CONFIG_FILE = Pattern.compile("(?m)^apiVersion\\s*:");

    @Mixin
    ConfigMixin configOptions;

    @Mixin
    DocumentOutput output;

    @Parameters(index = "0", paramLabel = "ENV_A", description = "The first environment.")
    String envA;

    @Parameters(index = "1", paramLabel = "ENV_B", description = "The second environment.")
    String envB;

    @Override
    protected ExitCode doCall() {
        BootstrapConfig a = load(envA);
        BootstrapConfig b = load(envB);
        Result result = new EnvironmentComparison(
                        phasePlan(), catalog(), new ValuesRenderer(), KubeVersionChoice.DEFAULT_VERSION)
                .compare(envA, a, envB, b);
        if (output.isText()) {
            print(out(), result, a, b);
        } else {
            DocumentOutput.print(out(), output.format(), EnvironmentComparison.document(result));
        }
        return result.same() ? ExitCode.OK : ExitCode.VERIFY_FAILED;
    }

    /** A config file of its own, or a profile with the config of -f (and --set) around it. */
    private BootstrapConfig load(String environment) {
        Path file = Path.of(environment);
        if (Files.isRegularFile(file) && isConfigFile(file)) {
            return loadConfig(ConfigMixin.of(file, Optional.empty(), configOptions.sets()));
        }
        return loadConfig(ConfigMixin.of(
                configOptions.configFile().orElse(null), Optional.of(environment), configOptions.sets()));
    }

    private static boolean isConfigFile(Path file) {
        try {
            return CONFIG_FILE.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            return false;
        }
    }

    private static void print(PrintWriter out, Result result, BootstrapConfig a, BootstrapConfig b) {
        out.println(
                "A: " + result.nameA() + " (profile " + a.profile().name() + describeBase(a) + ", " + a.source() + ")");
        out.println(
                "B: " + result.nameB() + " (profile " + b.profile().name() + describeBase(b) + ", " + b.source() + ")");
        if (result.same()) {
            out.println("same: every component renders the same values from the same charts");
            out.flush();
            return;
        }
        if (!result.profile().isEmpty()) {
            out.println("profile");
            result.profile().forEach(change -> out.println("  " + change(change)));
        }
        Table table = new Table("COMPONENT", "PHASE", "WHAT", "A", "B");
        for (ComponentDifference difference : result.components()) {
            if (difference.same()) {
                continue;
            }
            String id = difference.component();
            String phase = difference.phase();
            if (difference.enabledA() != difference.enabledB()) {
                table.row(id, phase, "installed", yesNo(difference.enabledA()), yesNo(difference.enabledB()));
            }
            if (difference.chartDiffers()) {
                table.row(
                        id,
                        phase,
                        "chart",
                        difference.chartA().coordinate(),
                        difference.chartB().coordinate());
            }
            for (ValueChange change : difference.replicas()) {
                table.row(id, phase, "replicas " + change.path(), text(change.a()), text(change.b()));
            }
            for (ValueChange change : difference.retention()) {
                table.row(id, phase, "retention " + change.path(), text(change.a()), text(change.b()));
            }
            if (difference.receiversDiffer()) {
                table.row(
                        id,
                        phase,
                        "receivers",
                        String.join(",", difference.receiversA()),
                        String.join(",", difference.receiversB()));
            }
            for (ValueChange change : difference.values()) {
                // values are named, not shown: a values tree may hold a header or URL not meant for a terminal
                table.row(id, phase, "values " + change.path(), text(change.a()), text(change.b()));
            }
        }
        table.print(out);
        long differing = result.components().stream().filter(c -> !c.same()).count();
        out.println(differing + " of " + result.components().size() + " components differ");
        out.flush();
    }

    private static String describeBase(BootstrapConfig config) {
        return config.profile().base().isEmpty()
                ? ""
                : ", extends " + config.profile().base();
    }

    private static String change(ValueChange change) {
        return change.path() + ": " + text(change.a()) + " -> " + text(change.b());
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static String text(Object value) {
        return value == null ? "(absent)" : String.valueOf(value);
    }
}
