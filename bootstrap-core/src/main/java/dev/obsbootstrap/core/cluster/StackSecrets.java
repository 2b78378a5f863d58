package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.secret.StackSecret;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Creates the Secrets the phases declare ({@link StackSecret}) before their charts are installed: a UI's admin login
 * (so its chart never calls {@code lookup} while rendering) and credentials copied from the environment.
 * Values only ever travel from their source (the environment, another Secret, {@link SecureRandom}) into a Secret:
 * they are not returned, logged or put in messages.
 */
public final class StackSecrets {
    private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    private static final String MANAGER = "obs-bootstrap";
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 32;

    private final KubernetesClient client;
    private final Map<String, String> environment;
    private final SecureRandom random = new SecureRandom();

    /** @param environment the process environment ({@code System.getenv()}), where {@code FromEnv} and {@code Generated} keys are read */
    public StackSecrets(KubernetesClient client, Map<String, String> environment) {
        this.client = Objects.requireNonNull(client, "client");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** What {@link #ensure} did: the keys the Secret holds now, and whether it was created or rewritten. */
    public record Outcome(String namespace, String name, List<String> keys, String action) {
        public Outcome {
            keys = List.copyOf(keys);
        }
    }

    /**
     * Creates the namespace when it does not exist.
     *
     * @return true when it was created now
     */
    public boolean ensureNamespace(String namespace) {
        return ensureNamespace(namespace, Optional.empty());
    }

    /**
     * Creates the namespace when it is missing, labelled to enforce (and warn at) {@code podSecurity}, the level its
     * workloads need: on a cluster that enforces baseline or restricted by default, node agents with host paths or
     * the host network would otherwise get no pods (review D14). A namespace that exists keeps its labels: they are
     * its owner's choice.
     */
    public boolean ensureNamespace(String namespace, Optional<PodSecurityLevel> podSecurity) {
        try {
            if (client.namespaces().withName(namespace).get() != null) {
                return false;
            }
            Map<String, String> labels = new TreeMap<>();
            labels.put(MANAGED_BY, MANAGER);
            podSecurity.ifPresent(level -> {
                labels.put(PodSecurityLevel.ENFORCE_LABEL, level.label());
                labels.put(PodSecurityLevel.WARN_LABEL, level.label());
            });
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .addToLabels(labels)
                            .endMetadata()
                            .build())
                    .create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw new ClusterException(
                    "cannot create namespace " + namespace + ": " + KubeErrors.describe(client, e)
                            + KubeErrors.accessHint(
                                    e,
                                    "your user may not create namespaces: create it yourself or use one that exists"),
                    e);
        }
    }

    /**
     * What {@link #ensure} would refuse, found by reading only: an unset or empty variable, a referenced Secret or key
     * that does not exist, a user-provided Secret that is missing or lacks a key. One message per problem, each naming
     * the Secret, the key and what to do.
     */
    public List<String> problems(StackSecret declared) {
        List<String> problems = new java.util.ArrayList<>();
        if (declared.isUserProvided()) {
            try {
                checkUserProvided(declared);
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
            return problems;
        }
        Map<String, String> current = Map.of();
        if (!declared.replace()) {
            Secret existing = read(declared.namespace(), declared.name(), declared.purpose());
            current = existing == null || existing.getData() == null ? Map.of() : existing.getData();
        }
        for (StackSecret.Key key : declared.keys()) {
            if (!declared.replace() && current.containsKey(key.key())) {
                continue; // kept as it is: its source is not read again
            }
            try {
                resolve(declared, key);
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /**
     * Makes the declared Secret exist. A {@code replace} Secret is rewritten from its sources whenever they changed
     * (receiver credentials follow the config; dropped keys disappear). Otherwise an existing Secret is kept and only
     * completed with keys it lacks: a generated password is made once and never regenerated under the server that uses it.
     * Every source is resolved before anything is written.
     *
     * @throws ConfigException when a variable is unset or empty, or a referenced Secret or key does not exist
     */
    public Outcome ensure(StackSecret declared) {
        String namespace = declared.namespace();
        if (declared.isUserProvided()) {
            checkUserProvided(declared);
            return new Outcome(
                    namespace,
                    declared.name(),
                    declared.keys().stream().map(StackSecret.Key::key).toList(),
                    "present (yours)");
        }
        ensureNamespace(namespace);
        try {
            Secret existing = client.secrets()
                    .inNamespace(namespace)
                    .withName(declared.name())
                    .get();
            Map<String, String> current =
                    existing == null || existing.getData() == null ? Map.of() : existing.getData();
            Map<String, String> data = new TreeMap<>();
            for (StackSecret.Key key : declared.keys()) {
                if (!declared.replace() && current.containsKey(key.key())) {
                    data.put(key.key(), current.get(key.key()));
                } else {
                    data.put(key.key(), resolve(declared, key));
                }
            }
            if (!declared.replace()) {
                current.forEach(data::putIfAbsent); // keys someone added by hand stay
            }
            List<String> keys = List.copyOf(data.keySet());
            if (existing == null) {
                client.secrets()
                        .inNamespace(namespace)
                        .resource(secret(namespace, declared.name(), data))
                        .create();
                return new Outcome(namespace, declared.name(), keys, "created");
            }
            if (data.equals(current)) {
                return new Outcome(namespace, declared.name(), keys, "unchanged");
            }
            existing.setData(data);
            existing.setStringData(null);
            client.secrets().inNamespace(namespace).resource(existing).update();
            return new Outcome(namespace, declared.name(), keys, "updated");
        } catch (KubernetesClientException e) {
            throw writeFailed(namespace, declared.name(), e);
        }
    }

    private void checkUserProvided(StackSecret declared) {
        String namespace = declared.namespace();
        List<String> keys = declared.keys().stream().map(StackSecret.Key::key).toList();
        String create = "kubectl -n " + namespace + " create secret generic " + declared.name() + " "
                + String.join(
                        " ",
                        keys.stream().map(k -> "--from-literal=" + k + "=...").toList());
        Secret secret = read(namespace, declared.name(), declared.purpose());
        if (secret == null) {
            throw new ConfigException(declared.purpose() + ": Secret " + namespace + "/" + declared.name()
                    + " does not exist; you create it (obs-bootstrap never writes it): " + create);
        }
        List<String> missing = keys.stream()
                .filter(k -> (secret.getData() == null || !secret.getData().containsKey(k))
                        && (secret.getStringData() == null
                                || !secret.getStringData().containsKey(k)))
                .toList();
        if (!missing.isEmpty()) {
            throw new ConfigException(
                    declared.purpose() + ": Secret " + namespace + "/" + declared.name() + " has no key "
                            + String.join(", ", missing) + " (it needs " + String.join(", ", keys) + "): " + create);
        }
    }

    private Secret read(String namespace, String name, String purpose) {
        try {
            return client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read Secret " + namespace + "/" + name + " (" + purpose + "): "
                            + KubeErrors.describe(client, e)
                            + KubeErrors.accessHint(e, "your user may not get secrets in " + namespace),
                    e);
        }
    }

    /** The base64 value of one key; the plain value never leaves this method. */
    private String resolve(StackSecret declared, StackSecret.Key key) {
        String namespace = declared.namespace();
        String what =
                declared.purpose() + " (Secret " + namespace + "/" + declared.name() + " key '" + key.key() + "')";
        if (key instanceof StackSecret.Key.Literal literal) {
            return encode(literal.value());
        }
        if (key instanceof StackSecret.Key.Generated generated) {
            String value = environment.get(generated.variable());
            return encode(value == null || value.isEmpty() ? newPassword() : value);
        }
        if (key instanceof StackSecret.Key.FromEnv fromEnv) {
            String value = environment.get(fromEnv.variable());
            if (value == null || value.isEmpty()) {
                throw new ConfigException(what + " reads environment variable " + fromEnv.variable() + ", which is "
                        + (value == null ? "not set" : "empty") + ": export it before running obs-bootstrap");
            }
            return encode(value);
        }
        if (key instanceof StackSecret.Key.Required required) {
            throw new IllegalArgumentException("key " + required.key() + " of " + what + " is the user's to write");
        }
        StackSecret.Key.FromSecret fromSecret = (StackSecret.Key.FromSecret) key;
        Secret source;
        try {
            source = client.secrets()
                    .inNamespace(namespace)
                    .withName(fromSecret.secretName())
                    .get();
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read Secret " + namespace + "/" + fromSecret.secretName() + " for " + what + ": "
                            + KubeErrors.describe(client, e)
                            + KubeErrors.accessHint(e, "your user may not get secrets in " + namespace),
                    e);
        }
        String hint = ": create it, for example kubectl -n " + namespace + " create secret generic "
                + fromSecret.secretName() + " --from-literal=" + fromSecret.secretKey() + "=...";
        if (source == null) {
            throw new ConfigException(what + " refers to Secret " + namespace + "/" + fromSecret.secretName()
                    + ", which does not exist" + hint);
        }
        String data = source.getData() == null ? null : source.getData().get(fromSecret.secretKey());
        if (data == null
                && source.getStringData() != null
                && source.getStringData().containsKey(fromSecret.secretKey())) {
            data = encode(source.getStringData().get(fromSecret.secretKey()));
        }
        if (data == null) {
            throw new ConfigException(what + " refers to key '" + fromSecret.secretKey() + "' of Secret " + namespace
                    + "/" + fromSecret.secretName() + ", which has no such key" + hint);
        }
        return data;
    }

    private static Secret secret(String namespace, String name, Map<String, String> data) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToLabels(MANAGED_BY, MANAGER)
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build();
    }

    private String newPassword() {
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
        }
        return password.toString();
    }

    private static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private ClusterException writeFailed(String namespace, String name, KubernetesClientException e) {
        return new ClusterException(
                "cannot write Secret " + namespace + "/" + name + ": " + KubeErrors.describe(client, e)
                        + KubeErrors.accessHint(e, "your user may not create or update secrets in " + namespace),
                e);
    }
}
