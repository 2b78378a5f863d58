package dev.obsbootstrap.core.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the Debian binaries the probe tests run for real (prometheus, prometheus-alertmanager). When one is
 * missing the test is skipped with a printed reason, except in CI (env CI=true) where it fails: there the
 * packages must be installed (.ci/run does).
 */
public final class LocalBinaries {
    private LocalBinaries() {}

    public static Path require(String binary, String debianPackage) {
        return require(binary, debianPackage, "true".equalsIgnoreCase(System.getenv("CI")));
    }

    static Path require(String binary, String debianPackage, boolean ci) {
        Optional<Path> found = find(binary);
        if (found.isPresent()) {
            return found.get();
        }
        String reason = binary + " is not on PATH: install it with `apt-get install -y " + debianPackage
                + "` (the probe tests start it on 127.0.0.1)";
        if (ci) {
            Assertions.fail("CI=true and " + reason);
        }
        System.err.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
        throw new IllegalStateException("unreachable");
    }

    public static Optional<Path> find(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
