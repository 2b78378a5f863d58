package dev.obsbootstrap.core.digest;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * SHA-256, the digest of everything obs-bootstrap fingerprints (charts, bundles, values and their inputs, builds).
 *
 * <p>{@link #of(byte[])} hashes a whole array with OpenSSL's {@code SHA256()} (libcrypto, 1.1 and 3.x export it)
 * through JNA where the library loads, else with the JDK's. Why: bin/obs-bootstrap runs the JVM with C1 only
 * ({@code -XX:TieredStopAtLevel=1}), and only C2 turns the JDK's SHA-256 into the CPU's SHA instructions; under C1 it
 * hashed 15 MB in ~300 ms, libcrypto in ~30 ms (measured on the 2-core machines here, 2026-12-07, a throwaway program
 * beside this change). A plan hashes every file of its bundle, the charts' ~1000 files included. The two give the same
 * digest for the same bytes (Sha256Test holds them to each other and to FIPS 180-2's vectors).
 */
public final class Sha256 {
    /** SHA-256("abc"), FIPS 180-2 appendix B.1. */
    private static final byte[] ABC =
            java.util.HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /**
     * libcrypto's SHA256(), or null where it cannot be loaded (no OpenSSL, another platform, JNA refused); loaded on
     * the first {@link #of}, so that what only streams ({@link #newDigest}: an unchanged {@code up}'s values digests)
     * loads no JNA.
     */
    private static final class Loaded {
        static final LibCrypto LIBCRYPTO = loadLibCrypto();
    }

    interface LibCrypto extends Library {
        /** {@code unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md)} */
        Pointer SHA256(byte[] data, NativeLong length, byte[] digest);
    }

    private Sha256() {}

    /** A new SHA-256 digest: every Java platform has one (MessageDigest's list of required algorithms). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The SHA-256 of {@code bytes}: libcrypto's where it loads, else the JDK's. */
    public static byte[] of(byte[] bytes) {
        return Loaded.LIBCRYPTO == null ? withJdk(bytes) : withLibCrypto(bytes);
    }

    /** Whether {@link #of} hashes with libcrypto here. */
    public static boolean nativeDigest() {
        return Loaded.LIBCRYPTO != null;
    }

    static byte[] withLibCrypto(byte[] bytes) {
        byte[] digest = new byte[32];
        // JNA passes an empty array as NULL, which SHA256() reads no bytes of when the length is 0
        Loaded.LIBCRYPTO.SHA256(bytes, new NativeLong(bytes.length), digest);
        return digest;
    }

    static byte[] withJdk(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    private static LibCrypto loadLibCrypto() {
        if ("false".equals(System.getProperty("obs-bootstrap.native-sha256"))) {
            return null;
        }
        try {
            LibCrypto library = com.sun.jna.Native.load("crypto", LibCrypto.class);
            // a library that is not OpenSSL's, or a SHA256 that is not SHA-256, is not used
            byte[] abc = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] digest = new byte[32];
            library.SHA256(abc, new NativeLong(abc.length), digest);
            return Arrays.equals(digest, ABC) ? library : null;
        } catch (RuntimeException | LinkageError unavailable) {
            return null;
        }
    }
}
