package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's code fingerprint: what an unchanged up trusts to render as the build that recorded the ledger did. */
class CodeFingerprintTest {
    @TempDir
    Path tmp;

    @Test
    void theBuildWroteOneForTheseClasses() {
        assertThat(CodeFingerprint.ofThisBuild())
                .hasValueSatisfying(hex -> assertThat(hex).matches("[0-9a-f]{64}"));
    }

    @Test
    void itChangesWithAnyClassOrLibraryAndWithNothingElse() throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes/dev/example"));
        Files.writeString(classes.resolve("Renderer.class"), "v1");
        Path library = Files.writeString(tmp.resolve("library.jar"), "library 1.0");
        Path out = Files.createDirectories(tmp.resolve("out"));

        String first = fingerprint(out, tmp.resolve("classes"), library);
        assertThat(fingerprint(out, tmp.resolve("classes"), library))
                .as("the same code")
                .isEqualTo(first);
        Files.copy(library, tmp.resolve("elsewhere.jar"));
        assertThat(fingerprint(out, tmp.resolve("classes"), tmp.resolve("elsewhere.jar")))
                .as("a library is its content, wherever the repository keeps it")
                .isEqualTo(first);

        Files.writeString(classes.resolve("Renderer.class"), "v2");
        String changedClass = fingerprint(out, tmp.resolve("classes"), library);
        Files.writeString(library, "library 1.1");
        String changedLibrary = fingerprint(out, tmp.resolve("classes"), library);

        assertThat(changedClass).isNotEqualTo(first);
        assertThat(changedLibrary).isNotEqualTo(first).isNotEqualTo(changedClass);
    }

    /** Runs the build step as the build does: its own class loader over the class path it fingerprints. */
    private static String fingerprint(Path out, Path classes, Path library) throws Exception {
        URL self = CodeFingerprint.class.getProtectionDomain().getCodeSource().getLocation();
        URL core = dev.obsbootstrap.core.digest.Sha256.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {classes.toUri().toURL(), library.toUri().toURL(), self, core},
                ClassLoader.getPlatformClassLoader())) {
            loader.loadClass(CodeFingerprint.class.getName())
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {out.toString()});
        }
        return Files.readString(out.resolve(CodeFingerprint.RESOURCE)).strip();
    }
}
