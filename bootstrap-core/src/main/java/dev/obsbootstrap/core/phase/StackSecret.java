package dev.obsbootstrap.core.phase;

import java.util.List;
import java.util.Objects;

/**
 * A Secret a chart references and obs-bootstrap creates, written into install.sh as a command that takes its
 * secret values from the environment or generates them: the bundle never holds a secret value.
 *
 * @param purpose for the script's comment ("Grafana admin login")
 * @param replace true: rewritten from its sources on every run (receiver credentials follow the config);
 *                false: created once and never overwritten (a generated password must not change under Grafana)
 */
public record StackSecret(String namespace, String name, String purpose, boolean replace, List<Key> keys) {
    public StackSecret {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(purpose, "purpose");
        keys = List.copyOf(keys);
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

        /** From {@code $variable}, which must be set when the script runs. */
        record FromEnv(String key, String variable) implements Key {
            public FromEnv {
                Objects.requireNonNull(key, "key");
                Objects.requireNonNull(variable, "variable");
            }
        }
    }
}
