package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.secret.StackSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The hash the ledger compares to decide whether a phase changed: every release's destination, chart and rendered
 * values, and the shape (not the values) of the Secrets the phase declares. A changed receiver credential reference
 * changes it; a rotated value does not. {@code up} computes it from its release specs, {@code status} from rendered
 * values alone: neither needs the chart on disk.
 */
public final class PhaseDigest {
    private PhaseDigest() {}

    /** What the hash reads of one release. */
    public record Release(
            String componentId,
            String releaseName,
            String namespace,
            ChartRef chart,
            InstallMode mode,
            String valuesYaml) {
        public Release {
            Objects.requireNonNull(componentId, "componentId");
            Objects.requireNonNull(releaseName, "releaseName");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(chart, "chart");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(valuesYaml, "valuesYaml");
        }

        public static Release of(ReleaseSpec spec) {
            return new Release(
                    spec.componentId(),
                    spec.releaseName(),
                    spec.namespace(),
                    spec.chart(),
                    spec.mode(),
                    spec.valuesYaml());
        }
    }

    public static String of(List<Release> releases, List<StackSecret> declared) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Release release : releases) {
                update(
                        digest,
                        release.componentId(),
                        release.releaseName(),
                        release.namespace(),
                        release.chart().repository(),
                        release.chart().coordinate(),
                        release.mode().name(),
                        release.valuesYaml());
            }
            for (StackSecret secret : declared) {
                update(
                        digest,
                        secret.namespace(),
                        secret.name(),
                        String.valueOf(secret.replace()),
                        secret.keys().toString());
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String... parts) {
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
    }
}
