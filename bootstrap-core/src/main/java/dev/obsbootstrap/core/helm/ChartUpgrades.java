package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.config.ChartRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which newer versions a repository offers for a pinned chart, and what kind of step each is: the newest release in
 * the pin's major (a minor or patch update) and the newest release overall, which when its major is higher is a
 * breaking step (chart majors are where value keys move and defaults change; the chart's own upgrade notes say how).
 * Pre-releases ({@code 1.2.0-rc.1}) are left out: a pin moves to releases.
 */
public final class ChartUpgrades {
    private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)(-[0-9A-Za-z.-]+)?(\\+.*)?");

    /** A version as numbers: major, minor, patch, and whether it is a pre-release. */
    record Version(String text, int major, int minor, int patch, boolean preRelease) {
        static Optional<Version> parse(String text) {
            Matcher m = SEMVER.matcher(text.trim());
            if (!m.matches()) {
                return Optional.empty();
            }
            return Optional.of(new Version(
                    text.trim(),
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    m.group(4) != null));
        }

        static final Comparator<Version> ORDER = Comparator.comparingInt(Version::major)
                .thenComparingInt(Version::minor)
                .thenComparingInt(Version::patch);
    }

    /**
     * @param inMajor the newest release in the pin's major that is newer than the pin, if any
     * @param newest  the newest release of all, if newer than the pin
     */
    public record Outlook(ChartRef pin, Optional<String> inMajor, Optional<String> newest, boolean breaking) {
        public Outlook {
            Objects.requireNonNull(pin, "pin");
            Objects.requireNonNull(inMajor, "inMajor");
            Objects.requireNonNull(newest, "newest");
        }

        public boolean upToDate() {
            return newest.isEmpty();
        }
    }

    private ChartUpgrades() {}

    /** What {@code offered} holds beyond {@code pin}; versions that are not semantic versions are ignored. */
    public static Outlook of(ChartRef pin, List<String> offered) {
        Optional<Version> pinned = Version.parse(pin.version());
        if (pinned.isEmpty()) {
            return new Outlook(pin, Optional.empty(), Optional.empty(), false);
        }
        List<Version> newer = new ArrayList<>();
        for (String text : offered) {
            Version.parse(text)
                    .filter(v -> !v.preRelease())
                    .filter(v -> Version.ORDER.compare(v, pinned.get()) > 0)
                    .ifPresent(newer::add);
        }
        Optional<Version> newest = newer.stream().max(Version.ORDER);
        Optional<Version> inMajor =
                newer.stream().filter(v -> v.major() == pinned.get().major()).max(Version.ORDER);
        boolean breaking = newest.map(v -> v.major() > pinned.get().major()).orElse(false);
        return new Outlook(pin, inMajor.map(Version::text), newest.map(Version::text), breaking);
    }
}
