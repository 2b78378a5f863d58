package dev.obsbootstrap.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {
    /** FIPS 180-2 appendix B: "abc", the 448-bit message, and the empty string (its well-known digest). */
    @Test
    void theKnownVectorsComeOutOfBothImplementations() {
        String twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assertThat(hex(Sha256.of(ascii("abc"))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex(Sha256.withJdk(ascii(twoBlocks))))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        assertThat(hex(Sha256.of(new byte[0])))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assumeTrue(Sha256.nativeDigest(), "libcrypto is not loadable here: the JDK's digest is the only one");
        assertThat(hex(Sha256.withLibCrypto(ascii(twoBlocks))))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        assertThat(hex(Sha256.withLibCrypto(new byte[0])))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    /** Every length around the 64-byte block and its padding boundary (55/56 bytes), and a few large ones. */
    @Test
    void libCryptoAndTheJdkAgreeOnEveryLengthAroundTheBlockBoundaries() {
        assumeTrue(Sha256.nativeDigest(), "libcrypto is not loadable here: the JDK's digest is the only one");
        Random random = new Random(13);
        for (int length : new int[] {1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 4096, 1 << 20, 4_509_371}) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            assertThat(Sha256.withLibCrypto(bytes)).as("length %d", length).isEqualTo(Sha256.withJdk(bytes));
            assertThat(Sha256.of(bytes)).as("length %d", length).isEqualTo(Sha256.withJdk(bytes));
        }
    }

    /** The machines this project builds and tests on have OpenSSL: the fast path must not silently go unused. */
    @Test
    void libCryptoIsUsedWhereOpenSslIsInstalled() {
        assumeTrue(
                java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3")),
                "no /usr/lib/x86_64-linux-gnu/libcrypto.so.3 here");
        assertThat(Sha256.nativeDigest()).isTrue();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
