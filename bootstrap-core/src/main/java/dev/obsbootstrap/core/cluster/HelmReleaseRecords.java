package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ClusterException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Helm's record of one release revision, the Secret {@code sh.helm.release.v1.<name>.v<revision>} of Helm's default
 * storage driver. Used for one thing: a revision a killed obs-bootstrap run left {@code pending-*} holds Helm's lock on
 * the release for ever, and helm-java 0.0.21 has no {@code helm rollback}, which is what clears it. Marking the pending
 * revision {@code failed} releases the lock the way a finished failed operation would, and keeps it in the history.
 *
 * <p>The format is Helm's ({@code helm/helm} {@code pkg/storage/driver/util.go} and {@code secrets.go}, v3.21.0): the
 * Secret's {@code release} key holds base64 of the gzipped JSON release; the labels {@code status} and
 * {@code modifiedAt} mirror it and are set the way {@code Secrets.Update} sets them.
 */
public final class HelmReleaseRecords {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b, 0x08};

    private final KubernetesClient client;

    public HelmReleaseRecords(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    public static String secretName(String release, int revision) {
        return "sh.helm.release.v1." + release + ".v" + revision;
    }

    /**
     * The revision {@code helm status} reports as deployed, read from the labels of Helm's records without loading
     * Helm: the release's latest revision (the highest {@code version}), when its {@code status} is {@code deployed}.
     * Empty when the release has no record or its latest revision is failed, pending, superseded or uninstalled.
     *
     * @throws ClusterException when the records cannot be listed
     */
    public Optional<Integer> deployedRevision(String namespace, String release) {
        return latest(namespace, release)
                .filter(labels -> "deployed".equals(labels.get("status")))
                .map(labels -> parseVersion(labels.get("version")));
    }

    /**
     * The release's latest revision, whatever its status, read from the labels of Helm's records without loading
     * Helm. Empty when the release has no record: never installed, or uninstalled.
     *
     * @throws ClusterException when the records cannot be listed
     */
    public Optional<Integer> latestRevision(String namespace, String release) {
        return latest(namespace, release).map(labels -> parseVersion(labels.get("version")));
    }

    /**
     * The labels of the record of the release's highest {@code version}: read as metadata only
     * ({@link StatusReads#metadata}), as each record holds the whole release, chart included.
     */
    private Optional<Map<String, String>> latest(String namespace, String release) {
        try {
            Map<String, String> latest = null;
            int latestVersion = -1;
            for (ObjectMeta record : StatusReads.metadata(
                    client, "/api/v1/namespaces/" + namespace + "/secrets", "owner=helm,name=" + release)) {
                Map<String, String> labels = record.getLabels() == null ? Map.of() : record.getLabels();
                int version = parseVersion(labels.get("version"));
                if (version > latestVersion) {
                    latest = labels;
                    latestVersion = version;
                }
            }
            return Optional.ofNullable(latest);
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read Helm's records of " + release + " in " + namespace + ": "
                            + KubeErrors.describe(client, e)
                            + KubeErrors.accessHint(e, "your user needs list on secrets in " + namespace),
                    e);
        }
    }

    private static int parseVersion(String version) {
        try {
            return version == null ? -1 : Integer.parseInt(version);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Marks the revision failed with {@code description}, if it is still pending.
     *
     * @return true when it was pending and is now failed
     * @throws ClusterException when the record cannot be read or written
     */
    public boolean markFailed(String namespace, String release, int revision, String description) {
        String name = secretName(release, revision);
        try {
            Secret secret =
                    client.secrets().inNamespace(namespace).withName(name).get();
            if (secret == null || secret.getData() == null || !secret.getData().containsKey("release")) {
                throw new ClusterException("Helm's record " + namespace + "/" + name + " of " + release + " revision "
                        + revision + " was not found (is HELM_DRIVER something other than secret?)");
            }
            String encoded =
                    new String(Base64.getDecoder().decode(secret.getData().get("release")), StandardCharsets.UTF_8);
            ObjectNode record = (ObjectNode) JSON.readTree(decode(encoded));
            JsonNode info = record.path("info");
            String status = info.path("status").asString("");
            if (!status.startsWith("pending-")) {
                return false;
            }
            ObjectNode editedInfo = ((ObjectNode) info).put("status", "failed").put("description", description);
            record.set("info", editedInfo);
            Map<String, String> labels = new HashMap<>(
                    secret.getMetadata().getLabels() == null
                            ? Map.of()
                            : secret.getMetadata().getLabels());
            labels.put("status", "failed");
            labels.put("modifiedAt", Long.toString(Instant.now().getEpochSecond()));
            String reencoded = Base64.getEncoder()
                    .encodeToString(encode(JSON.writeValueAsBytes(record)).getBytes(StandardCharsets.UTF_8));
            Secret updated = new SecretBuilder(secret)
                    .editMetadata()
                    .withLabels(labels)
                    .endMetadata()
                    .addToData("release", reencoded)
                    .build();
            client.secrets().inNamespace(namespace).resource(updated).update();
            return true;
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot mark " + release + " revision " + revision + " failed (Secret " + namespace + "/" + name
                            + "): " + KubeErrors.describe(client, e)
                            + KubeErrors.accessHint(e, "your user needs get and update on secrets in " + namespace),
                    e);
        }
    }

    /**
     * The values a revision was installed with (Helm's {@code config}: what was passed, not the chart's defaults), or
     * empty when the record is missing or unreadable. Read to say which keys {@code up} would change.
     */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> installedValues(String namespace, String release, int revision) {
        return record(namespace, release, revision).map(record -> {
            JsonNode config = record.path("config");
            return config.isObject() ? JSON.convertValue(config, Map.class) : Map.of();
        });
    }

    /**
     * The manifest Helm recorded for a revision (what it applied, hooks left out), or empty when the record is missing
     * or unreadable. What {@code diff} compares the newly rendered manifest with, as {@code helm diff} does.
     */
    public Optional<String> installedManifest(String namespace, String release, int revision) {
        return record(namespace, release, revision)
                .map(record -> record.path("manifest").asString(""));
    }

    private Optional<JsonNode> record(String namespace, String release, int revision) {
        try {
            Secret secret = client.secrets()
                    .inNamespace(namespace)
                    .withName(secretName(release, revision))
                    .get();
            if (secret == null || secret.getData() == null || !secret.getData().containsKey("release")) {
                return Optional.empty();
            }
            String encoded =
                    new String(Base64.getDecoder().decode(secret.getData().get("release")), StandardCharsets.UTF_8);
            return Optional.of(JSON.readTree(decode(encoded)));
        } catch (KubernetesClientException | IllegalArgumentException | tools.jackson.core.JacksonException e) {
            return Optional.empty();
        }
    }

    /** Helm's decodeRelease: base64, then gunzip when the gzip magic is there (old records were not compressed). */
    public static byte[] decode(String data) {
        byte[] bytes = Base64.getDecoder().decode(data);
        if (bytes.length > 3 && bytes[0] == GZIP_MAGIC[0] && bytes[1] == GZIP_MAGIC[1] && bytes[2] == GZIP_MAGIC[2]) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("Helm's release record is not valid gzip", e);
            }
        }
        return bytes;
    }

    /** Helm's encodeRelease: gzip, then base64. */
    public static String encode(byte[] json) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(buffer)) {
            out.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(buffer.toByteArray());
    }
}
