package dev.obsbootstrap.alerting;

import java.util.Objects;

/**
 * The one Secret that carries Alertmanager receiver credentials into the cluster. The alerting phase creates it in
 * the stack namespace from the config's references; the alertmanager values template mounts it and points the
 * receivers' {@code *_file} fields at its keys. Both sides name it through this class, so they cannot drift apart.
 * Credential values never pass through the values templates.
 */
public final class ReceiverCredentialsSecret {
    /** Name of the Secret in the stack namespace. */
    public static final String NAME = "obs-alertmanager-receivers";

    private ReceiverCredentialsSecret() {}

    /**
     * The Secret key holding one credential of one receiver.
     *
     * @param receiverName the receiver's name in the config
     * @param field        the credential field: url, apiUrl, routingKey or authPassword
     * @return {@code <receiverName>-<field>}, for example {@code team-slack-apiUrl}
     */
    public static String key(String receiverName, String field) {
        Objects.requireNonNull(receiverName, "receiverName");
        Objects.requireNonNull(field, "field");
        return receiverName + "-" + field;
    }
}
