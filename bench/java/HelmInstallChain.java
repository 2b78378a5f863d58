import com.marcnuri.helm.UpgradeCommand;
import dev.obsbootstrap.core.helm.HelmLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The baseline for {@code up}: the seed's manual sequence, {@code helm upgrade --install --wait} of each release in
 * the bundle's order, with the same Helm (helm-java, through the same library cache) against the same cluster. The
 * CRD release is installed as a chart too (the manual sequence has no server-side apply). What to install comes from a
 * bundle {@code plan} wrote (summary.json, the values files), each chart from the charts directory {@code up} is given
 * ({@code <name>/}, else {@code <name>-<version>.tgz}), as {@code up} resolves it.
 *
 * <p>Usage: HelmInstallChain BUNDLE CHARTS_DIR KUBECONFIG NAMESPACE
 */
public final class HelmInstallChain {
    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args[0]);
        Path charts = Path.of(args[1]);
        Path kubeconfig = Path.of(args[2]);
        String namespace = args[3];
        JsonNode summary = JsonMapper.builder().build().readTree(bundle.resolve("summary.json").toFile());
        String kubeVersion = summary.get("kubeVersion").asString();
        int releases = 0;
        for (JsonNode phase : summary.get("phases")) {
            for (JsonNode release : phase.path("releases")) {
                String[] chart = release.get("chart").asString().split("@");
                Path unpacked = charts.resolve(chart[0]);
                Path source = Files.isDirectory(unpacked) ? unpacked : charts.resolve(chart[0] + "-" + chart[1] + ".tgz");
                UpgradeCommand upgrade = new UpgradeCommand(HelmLibrary.get(), source)
                        .install()
                        .waitReady()
                        .withTimeout(300)
                        .withName(release.get("release").asString())
                        .withNamespace(namespace)
                        .withKubeVersion(kubeVersion)
                        .withValuesFile(bundle.resolve(release.get("values").asString()))
                        .withKubeConfig(kubeconfig);
                HelmLibrary.command(upgrade::call);
                releases++;
            }
        }
        System.out.println("installed " + releases + " releases");
    }
}
