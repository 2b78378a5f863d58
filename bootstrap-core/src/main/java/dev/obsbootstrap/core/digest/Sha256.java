package dev.obsbootstrap.core.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the digest of everything obs-bootstrap fingerprints (charts, bundles, values and their inputs, builds). */
public final class Sha256 {
    private Sha256() {}

    /** A new SHA-256 digest: every Java platform has one (MessageDigest's list of required algorithms). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
