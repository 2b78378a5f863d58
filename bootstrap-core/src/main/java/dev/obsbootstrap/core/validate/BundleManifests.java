package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.plan.PlanBundle;
import dev.obsbootstrap.core.plan.PlanBundleWriter;
import dev.obsbootstrap.core.plan.PlannedPhase;
import dev.obsbootstrap.core.plan.RenderedRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The manifest files of a bundle, as the static checks read them: from a fresh plan, or from a bundle on disk. */
public final class BundleManifests {
    private BundleManifests() {}

    /**
     * Every release's manifests file text exactly as {@link PlanBundleWriter} writes it, so lines match the bundle's,
     * with the documents plan already parsed: the file's one-line comment header adds no document, so the parse of
     * Helm's output is the parse of the file.
     */
    public static List<ManifestFile> of(PlanBundle bundle) {
        List<ManifestFile> files = new ArrayList<>();
        for (PlannedPhase phase : bundle.phases()) {
            for (RenderedRelease release : phase.releases()) {
                files.add(new ManifestFile(
                        phase.manifestsFile(release),
                        release.spec().namespace(),
                        PlanBundleWriter.manifestsFile(bundle, release),
                        release.parsed()));
            }
        }
        return files;
    }

    /** The manifest files a bundle on disk lists in its summary.json. */
    public static List<ManifestFile> read(Path bundle) {
        Path summary = bundle.resolve(PlanBundleWriter.SUMMARY_JSON);
        try {
            JsonNode root = JsonMapper.builder().build().readTree(Files.readString(summary));
            List<ManifestFile> files = new ArrayList<>();
            for (JsonNode phase : root.path("phases")) {
                for (JsonNode release : phase.path("releases")) {
                    String path = release.path("manifests").asString("");
                    files.add(new ManifestFile(
                            path, release.path("namespace").asString(""), Files.readString(bundle.resolve(path))));
                }
            }
            return files;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    "cannot read the bundle's manifests listed in " + summary + ": " + e.getMessage(), e);
        }
    }
}
