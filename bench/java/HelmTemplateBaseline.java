import com.marcnuri.helm.TemplateCommand;
import dev.obsbootstrap.core.helm.HelmLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The baseline for {@code plan}: helm-java {@code template} of the same charts with the same values in one JVM, one
 * release after the other, the output written to files. It reads what to render from a bundle {@code plan} wrote
 * (summary.json: release, namespace, chart, values file), and each chart from the charts directory {@code plan} was
 * given ({@code <name>/}, else {@code <name>-<version>.tgz}, as plan resolves them), so both sides render exactly the
 * same inputs from the same files. (The bundle holds the charts packed; rendering from those archives would be a
 * different load for Helm than plan's.) The native library is loaded through the same cache obs-bootstrap uses, so
 * neither side pays for helm-java's copy of it into /tmp.
 *
 * <p>Usage: HelmTemplateBaseline BUNDLE CHARTS_DIR OUT_DIR
 */
public final class HelmTemplateBaseline {
    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args[0]);
        Path charts = Path.of(args[1]);
        Path out = Files.createDirectories(Path.of(args[2]));
        JsonNode summary = JsonMapper.builder().build().readTree(bundle.resolve("summary.json").toFile());
        String kubeVersion = summary.get("kubeVersion").asString();
        int releases = 0;
        for (JsonNode phase : summary.get("phases")) {
            for (JsonNode release : phase.path("releases")) {
                String name = release.get("release").asString();
                String[] chart = release.get("chart").asString().split("@");
                Path unpacked = charts.resolve(chart[0]);
                Path source = Files.isDirectory(unpacked) ? unpacked : charts.resolve(chart[0] + "-" + chart[1] + ".tgz");
                TemplateCommand template = new TemplateCommand(HelmLibrary.get(), source)
                        .withName(name)
                        .withNamespace(release.get("namespace").asString())
                        .withKubeVersion(kubeVersion)
                        .withValuesFile(bundle.resolve(release.get("values").asString()));
                String manifests = HelmLibrary.command(template::call);
                Files.writeString(out.resolve(name + ".manifests.yaml"), manifests);
                releases++;
            }
        }
        System.out.println("rendered " + releases + " releases");
    }
}
