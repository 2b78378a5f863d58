package dev.obsbootstrap.core.probe;

import java.util.Objects;

/**
 * Where basic-auth credentials for an endpoint live in the cluster: a Secret in the stack namespace and the keys
 * of the user name and password. The caller (a phase or the CLI) supplies it per endpoint name; core names no
 * Secret itself.
 */
public record SecretCredentials(String secretName, String userKey, String passwordKey) {
    public SecretCredentials {
        Objects.requireNonNull(secretName, "secretName");
        Objects.requireNonNull(userKey, "userKey");
        Objects.requireNonNull(passwordKey, "passwordKey");
    }
}
