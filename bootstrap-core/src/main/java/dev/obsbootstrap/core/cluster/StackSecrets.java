package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.config.BootstrapConfig.AlertingSettings;
import dev.obsbootstrap.core.config.BootstrapConfig.Receiver;
import dev.obsbootstrap.core.config.BootstrapConfig.SecretRef;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Secrets the stack needs before its charts are installed: the Grafana admin credentials (so the grafana chart
 * never calls {@code lookup} while rendering) and the Alertmanager receivers' credentials, read from the environment
 * or copied from existing Secrets. Values only ever travel from their source into a Secret: they are not returned,
 * logged or put in messages, and the records returned here name keys, never values.
 */
public final class StackSecrets {
    public static final String RECEIVERS_SECRET = "obs-alertmanager-receivers";
    public static final String ADMIN_USER_KEY = "admin-user";
    public static final String ADMIN_PASSWORD_KEY = "admin-password";
    public static final String ADMIN_USER = "admin";
    private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    private static final String MANAGER = "obs-bootstrap";
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 32;

    private final KubernetesClient client;
    private final Map<String, String> environment;
    private final SecureRandom random = new SecureRandom();

    /** @param environment the process environment ({@code System.getenv()}), where {@code fromEnv} credentials are read */
    public StackSecrets(KubernetesClient client, Map<String, String> environment) {
        this.client = Objects.requireNonNull(client, "client");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** The Grafana admin Secret: its keys are {@link #ADMIN_USER_KEY} and {@link #ADMIN_PASSWORD_KEY}. */
    public record GrafanaAdmin(String namespace, String secretName, boolean created) {
    }

    /** The receivers Secret and its keys ({@code <receiver>-<field>}). */
    public record ReceiverCredentials(String namespace, String secretName, List<String> keys) {
        public ReceiverCredentials {
            keys = List.copyOf(keys);
        }
    }

    /**
     * Creates the namespace when it does not exist.
     *
     * @return true when it was created now
     */
    public boolean ensureNamespace(String namespace) {
        try {
            if (client.namespaces().withName(namespace).get() != null) {
                return false;
            }
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels(MANAGED_BY, MANAGER).endMetadata().build()).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw new ClusterException("cannot create namespace " + namespace + ": " + e.getMessage()
                    + (e.getCode() == 403 ? " (your user may not create namespaces: create it yourself or use one that exists)" : ""), e);
        }
    }

    /**
     * Makes sure the Grafana admin Secret exists. Its password is generated once, with {@link SecureRandom}, and kept:
     * an existing Secret is never regenerated, only completed when a key is missing.
     */
    public GrafanaAdmin ensureGrafanaAdmin(String namespace, String secretName) {
        ensureNamespace(namespace);
        try {
            Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
            if (existing == null) {
                Map<String, String> data = new LinkedHashMap<>();
                data.put(ADMIN_USER_KEY, encode(ADMIN_USER));
                data.put(ADMIN_PASSWORD_KEY, encode(newPassword()));
                client.secrets().inNamespace(namespace).resource(secret(namespace, secretName, data)).create();
                return new GrafanaAdmin(namespace, secretName, true);
            }
            Map<String, String> data = new LinkedHashMap<>(Optional.ofNullable(existing.getData()).orElse(Map.of()));
            boolean changed = data.putIfAbsent(ADMIN_USER_KEY, encode(ADMIN_USER)) == null;
            changed |= data.putIfAbsent(ADMIN_PASSWORD_KEY, encode(newPassword())) == null;
            if (changed) {
                existing.setData(data);
                client.secrets().inNamespace(namespace).resource(existing).update();
            }
            return new GrafanaAdmin(namespace, secretName, false);
        } catch (KubernetesClientException e) {
            throw writeFailed(namespace, secretName, e);
        }
    }

    /**
     * Writes {@value #RECEIVERS_SECRET}: one key {@code <receiver>-<field>} per receiver credential, its value read
     * from the environment variable or copied from the Secret key the config names. Every credential is resolved
     * before anything is written; the Secret's data is replaced as a whole, so dropped receivers disappear from it.
     *
     * @throws ConfigException when a variable is unset or empty, or a referenced Secret or key does not exist
     */
    public ReceiverCredentials writeReceiverCredentials(String namespace, AlertingSettings alerting) {
        Map<String, String> data = new TreeMap<>();
        for (Receiver receiver : alerting.receivers()) {
            for (Map.Entry<String, SecretRef> credential : new TreeMap<>(receiver.credentials()).entrySet()) {
                String key = keyFor(receiver.name(), credential.getKey());
                data.put(key, resolve(namespace, receiver.name(), credential.getKey(), credential.getValue()));
            }
        }
        ensureNamespace(namespace);
        try {
            Secret existing = client.secrets().inNamespace(namespace).withName(RECEIVERS_SECRET).get();
            if (existing == null) {
                client.secrets().inNamespace(namespace).resource(secret(namespace, RECEIVERS_SECRET, data)).create();
            } else if (!data.equals(Optional.ofNullable(existing.getData()).orElse(Map.of()))) {
                existing.setData(data);
                existing.setStringData(null);
                client.secrets().inNamespace(namespace).resource(existing).update();
            }
        } catch (KubernetesClientException e) {
            throw writeFailed(namespace, RECEIVERS_SECRET, e);
        }
        return new ReceiverCredentials(namespace, RECEIVERS_SECRET, List.copyOf(data.keySet()));
    }

    /** The receivers Secret key of one credential: {@code <receiverName>-<field>}. */
    public static String keyFor(String receiverName, String field) {
        String key = receiverName + "-" + field;
        if (!SECRET_KEY.matcher(key).matches()) {
            throw new ConfigException("receiver '" + receiverName + "' credential '" + field + "' would be stored under the key '"
                    + key + "', which is not a valid Secret key: use only letters, digits, '-', '_' and '.' in receiver names");
        }
        return key;
    }

    /** The base64 value for the Secret; the plain value never leaves this method. */
    private String resolve(String namespace, String receiver, String field, SecretRef ref) {
        if (ref instanceof SecretRef.FromEnv fromEnv) {
            String value = environment.get(fromEnv.variable());
            if (value == null || value.isEmpty()) {
                throw new ConfigException("receiver '" + receiver + "' credential '" + field + "' reads environment variable "
                        + fromEnv.variable() + ", which is " + (value == null ? "not set" : "empty")
                        + ": export it before running obs-bootstrap");
            }
            return encode(value);
        }
        SecretRef.FromSecret fromSecret = (SecretRef.FromSecret) ref;
        Secret source;
        try {
            source = client.secrets().inNamespace(namespace).withName(fromSecret.secretName()).get();
        } catch (KubernetesClientException e) {
            throw new ClusterException("cannot read Secret " + namespace + "/" + fromSecret.secretName() + " for receiver '" + receiver
                    + "': " + e.getMessage() + (e.getCode() == 403 ? " (your user may not get secrets in " + namespace + ")" : ""), e);
        }
        String hint = ": create it, for example kubectl -n " + namespace + " create secret generic " + fromSecret.secretName()
                + " --from-literal=" + fromSecret.key() + "=...";
        if (source == null) {
            throw new ConfigException("receiver '" + receiver + "' credential '" + field + "' refers to Secret " + namespace + "/"
                    + fromSecret.secretName() + ", which does not exist" + hint);
        }
        String data = source.getData() == null ? null : source.getData().get(fromSecret.key());
        if (data == null && source.getStringData() != null && source.getStringData().containsKey(fromSecret.key())) {
            data = encode(source.getStringData().get(fromSecret.key()));
        }
        if (data == null) {
            throw new ConfigException("receiver '" + receiver + "' credential '" + field + "' refers to key '" + fromSecret.key()
                    + "' of Secret " + namespace + "/" + fromSecret.secretName() + ", which has no such key" + hint);
        }
        return data;
    }

    private static Secret secret(String namespace, String name, Map<String, String> data) {
        return new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).addToLabels(MANAGED_BY, MANAGER).endMetadata()
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

    private static ClusterException writeFailed(String namespace, String name, KubernetesClientException e) {
        return new ClusterException("cannot write Secret " + namespace + "/" + name + ": " + e.getMessage()
                + (e.getCode() == 403 ? " (your user may not create or update secrets in " + namespace + ")" : ""), e);
    }
}
