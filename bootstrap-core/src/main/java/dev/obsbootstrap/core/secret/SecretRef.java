package dev.obsbootstrap.core.secret;

import java.util.Objects;

/**
 * Where a credential lives: an environment variable of the process running obs-bootstrap ({@code fromEnv}), or a key
 * of an existing Kubernetes Secret in the stack namespace ({@code secret}). Never a literal.
 */
public sealed interface SecretRef {
    /** For messages and rendered bundles: names the reference, never the value. */
    String describe();

    record FromEnv(String variable) implements SecretRef {
        public FromEnv {
            Objects.requireNonNull(variable, "variable");
        }

        @Override
        public String describe() {
            return "env:" + variable;
        }
    }

    record FromSecret(String secretName, String key) implements SecretRef {
        public FromSecret {
            Objects.requireNonNull(secretName, "secretName");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String describe() {
            return "secret:" + secretName + "/" + key;
        }
    }
}
