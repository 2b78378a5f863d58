package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes version charts are rendered for, and where it came from. Helm alone assumes 1.20, which
 * some charts refuse, so plan always passes one.
 *
 * @param source "--kube-version", "cluster" or "default", for the summary and README
 */
public record KubeVersionChoice(String version, String source) {
    /** Used when neither --kube-version nor a reachable cluster says otherwise: a version every pinned chart accepts. */
    public static final String DEFAULT_VERSION = "1.31.0";

    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public KubeVersionChoice {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
    }

    /**
     * An explicit {@code --kube-version} wins (a plan may be for another cluster than the current one); else the
     * cluster's version, asked only then; else {@link #DEFAULT_VERSION}.
     *
     * @param flag    the --kube-version value, "" when not given
     * @param cluster the reachable cluster's version, empty when there is none
     */
    public static KubeVersionChoice choose(String flag, Supplier<Optional<String>> cluster) {
        if (!flag.isBlank()) {
            return new KubeVersionChoice(checked(flag), "--kube-version");
        }
        return cluster.get()
                .map(version -> new KubeVersionChoice(checked(version), "cluster"))
                .orElseGet(() -> new KubeVersionChoice(DEFAULT_VERSION, "default"));
    }

    /** {@code 1.31}, {@code v1.31.2} or {@code 1.31.2+k3s1} as Helm wants it: {@code major.minor.patch}. */
    public static String checked(String version) {
        Matcher matcher = VERSION.matcher(version.strip());
        if (!matcher.lookingAt()) {
            throw new ConfigException("'" + version + "' is not a Kubernetes version: write it like 1.31.0");
        }
        String rest = version.strip().substring(matcher.end());
        if (!rest.isEmpty() && !rest.startsWith("+") && !rest.startsWith("-")) {
            throw new ConfigException("'" + version + "' is not a Kubernetes version: write it like 1.31.0");
        }
        return matcher.group(1) + "." + matcher.group(2) + "." + (matcher.group(3) == null ? "0" : matcher.group(3));
    }
}
