package dev.obsbootstrap.core.testing;

import dev.obsbootstrap.core.cluster.HelmReleaseRecords;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Test helper: Helm's release records (the Secrets of Helm's storage driver) as a killed Helm call leaves them. */
public final class HelmRecords {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HelmRecords() {}

    /**
     * Gives revision {@code revision} of the release the status {@code status} ("pending-upgrade"), in the record and its
     * label, with Helm's own encoding: what a SIGKILL in the middle of {@code helm upgrade} leaves behind.
     */
    public static void setStatus(
            KubernetesClient client,
            String namespace,
            String release,
            int revision,
            String status,
            String description) {
        Secret secret = client.secrets()
                .inNamespace(namespace)
                .withName(HelmReleaseRecords.secretName(release, revision))
                .get();
        String encoded =
                new String(Base64.getDecoder().decode(secret.getData().get("release")), StandardCharsets.UTF_8);
        ObjectNode record = (ObjectNode) JSON.readTree(HelmReleaseRecords.decode(encoded));
        ((ObjectNode) record.get("info")).put("status", status).put("description", description);
        secret.getData()
                .put(
                        "release",
                        Base64.getEncoder()
                                .encodeToString(HelmReleaseRecords.encode(JSON.writeValueAsBytes(record))
                                        .getBytes(StandardCharsets.UTF_8)));
        secret.getMetadata().getLabels().put("status", status);
        client.secrets().inNamespace(namespace).resource(secret).update();
    }
}
