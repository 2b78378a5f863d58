package dev.obsbootstrap.core.secret;

import java.util.List;
import java.util.Objects;

/**
 * A Secret a chart references. Either obs-bootstrap creates it (install.sh gets a command that takes its secret values
 * from the environment or generates them: the bundle never holds a secret value), or, when every key is
 * {@link Key.Required}, the user creates it and obs-bootstrap only checks, before the first write, that it exists
 * with those keys ({@link #userProvided}).
 *
 * @param purpose for the script's comment ("the UI's admin login")
 * @param replace true: rewritten from its sources on every run (receiver credentials follow the config);
 *                false: created once and never overwritten (a generated password must not change under the server that uses it)
 */
public record StackSecret(String namespace, String name, String purpose, boolean replace, List<Key> keys) {
    public StackSecret {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(purpose, "purpose");
        keys = List.copyOf(keys);
    }

    /** A Secret the user creates (object storage credentials, say), checked to hold {@code keys} before anything is written. */
    public static StackSecret userProvided(String namespace, String name, String purpose, List<String> keys) {
        return new StackSecret(
                namespace,
                name,
                purpose,
                false,
                keys.stream().map(k -> (Key) new Key.Required(k)).toList());
    }

    /** The keys of an S3-compatible object-storage Secret: what the charts' {@code envFrom} hands the servers. */
    public static final List<String> OBJECT_STORAGE_KEYS =
            List.of("S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");

    /**
     * The stack's object-storage credentials, which several components read (logs and traces share one Secret): every
     * phase that needs it declares this same value, so the bundle lists and checks it once.
     */
    public static StackSecret objectStorage(String namespace, String name) {
        return userProvided(
                namespace,
                name,
                "object storage (S3-compatible) endpoint and keys; the buckets must exist too",
                OBJECT_STORAGE_KEYS);
    }

    /** Whether the user creates this Secret and obs-bootstrap only checks it. */
    public boolean isUserProvided() {
        return !keys.isEmpty() && keys.stream().allMatch(k -> k instanceof Key.Required);
    }

    /** One key of the Secret and where its value comes from. */
    public sealed interface Key {
        String key();

        /** A value that is not secret (a user name), written as it is. */
        record Literal(String key, String value) implements Key {
            public Literal {
                Objects.requireNonNull(key, "key");
                Objects.requireNonNull(value, "value");
            }
        }

        /** From {@code $variable} when set, else a random value (openssl rand) kept only in the cluster. */
        record Generated(String key, String variable) implements Key {
            public Generated {
                Objects.requireNonNull(key, "key");
                Objects.requireNonNull(variable, "variable");
            }
        }

        /** A key of another Secret in the same namespace, copied when the script runs. */
        record FromSecret(String key, String secretName, String secretKey) implements Key {
            public FromSecret {
                Objects.requireNonNull(key, "key");
                Objects.requireNonNull(secretName, "secretName");
                Objects.requireNonNull(secretKey, "secretKey");
            }
        }

        /** A key the user puts into the Secret; obs-bootstrap never writes it, only checks that it is there. */
        record Required(String key) implements Key {
            public Required {
                Objects.requireNonNull(key, "key");
            }
        }

        /** From {@code $variable}, which must be set when the script runs. */
        record FromEnv(String key, String variable) implements Key {
            public FromEnv {
                Objects.requireNonNull(key, "key");
                Objects.requireNonNull(variable, "variable");
            }
        }
    }
}
