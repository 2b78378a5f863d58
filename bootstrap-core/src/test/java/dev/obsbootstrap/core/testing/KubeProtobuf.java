package dev.obsbootstrap.core.testing;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the protobuf bodies client-go sends for core objects into JSON. Helm stores releases as Secrets and client-go
 * encodes built-in core types as {@code application/vnd.kubernetes.protobuf}; the mock API server only understands
 * JSON. Only the kinds Helm's storage drivers write are decoded (Secret, ConfigMap); the field numbers are those of
 * {@code k8s.io/api/core/v1/generated.proto} and {@code k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto}.
 */
final class KubeProtobuf {
    static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private KubeProtobuf() {}

    static boolean isProtobuf(String contentType) {
        return contentType != null && contentType.startsWith(CONTENT_TYPE);
    }

    /** Decodes an envelope ({@code k8s\0} + runtime.Unknown) holding a Secret or a ConfigMap. */
    static ObjectNode toJson(byte[] body) {
        if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
            throw new IllegalArgumentException("not a Kubernetes protobuf envelope");
        }
        Reader unknown = new Reader(Arrays.copyOfRange(body, 4, body.length));
        String apiVersion = "";
        String kind = "";
        byte[] raw = new byte[0];
        while (unknown.hasMore()) {
            int tag = unknown.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    Reader typeMeta = unknown.message();
                    while (typeMeta.hasMore()) {
                        int field = typeMeta.tag();
                        switch (field >>> 3) {
                            case 1 -> apiVersion = typeMeta.string();
                            case 2 -> kind = typeMeta.string();
                            default -> typeMeta.skip(field);
                        }
                    }
                }
                case 2 -> raw = unknown.bytes();
                default -> unknown.skip(tag);
            }
        }
        ObjectNode object = Serialization.jsonMapper().createObjectNode();
        object.put("apiVersion", apiVersion.isEmpty() ? "v1" : apiVersion);
        object.put("kind", kind);
        switch (kind) {
            case "Secret" -> secret(new Reader(raw), object);
            case "ConfigMap" -> configMap(new Reader(raw), object);
            default -> throw new IllegalArgumentException("protobuf decoding of kind '" + kind + "' is not simulated");
        }
        return object;
    }

    private static void secret(Reader in, ObjectNode out) {
        while (in.hasMore()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> out.set("metadata", objectMeta(in.message()));
                case 2 -> mapEntry(in.message(), out.withObjectProperty("data"), true);
                case 3 -> out.put("type", in.string());
                case 4 -> mapEntry(in.message(), out.withObjectProperty("stringData"), false);
                case 5 -> out.put("immutable", in.varint() != 0);
                default -> in.skip(tag);
            }
        }
    }

    private static void configMap(Reader in, ObjectNode out) {
        while (in.hasMore()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> out.set("metadata", objectMeta(in.message()));
                case 2 -> mapEntry(in.message(), out.withObjectProperty("data"), false);
                case 3 -> mapEntry(in.message(), out.withObjectProperty("binaryData"), true);
                case 4 -> out.put("immutable", in.varint() != 0);
                default -> in.skip(tag);
            }
        }
    }

    private static ObjectNode objectMeta(Reader in) {
        ObjectNode meta = Serialization.jsonMapper().createObjectNode();
        while (in.hasMore()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> meta.put("name", in.string());
                case 2 -> meta.put("generateName", in.string());
                case 3 -> meta.put("namespace", in.string());
                case 5 -> meta.put("uid", in.string());
                case 6 -> meta.put("resourceVersion", in.string());
                case 7 -> meta.put("generation", in.varint());
                case 8 -> meta.put("creationTimestamp", time(in.message()));
                case 9 -> meta.put("deletionTimestamp", time(in.message()));
                case 11 -> mapEntry(in.message(), meta.withObjectProperty("labels"), false);
                case 12 -> mapEntry(in.message(), meta.withObjectProperty("annotations"), false);
                case 13 -> ownerReference(in.message(), meta.withArrayProperty("ownerReferences"));
                case 14 -> meta.withArrayProperty("finalizers").add(in.string());
                default -> in.skip(tag);
            }
        }
        return meta;
    }

    private static void ownerReference(Reader in, ArrayNode out) {
        ObjectNode ref = out.addObject();
        while (in.hasMore()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> ref.put("kind", in.string());
                case 3 -> ref.put("name", in.string());
                case 4 -> ref.put("uid", in.string());
                case 5 -> ref.put("apiVersion", in.string());
                case 6 -> ref.put("controller", in.varint() != 0);
                case 7 -> ref.put("blockOwnerDeletion", in.varint() != 0);
                default -> in.skip(tag);
            }
        }
    }

    private static String time(Reader in) {
        long seconds = 0;
        while (in.hasMore()) {
            int tag = in.tag();
            if (tag >>> 3 == 1) {
                seconds = in.varint();
            } else {
                in.skip(tag);
            }
        }
        return Instant.ofEpochSecond(seconds).toString();
    }

    /** A map field is a repeated entry message {1: key, 2: value}; byte values become base64 as in JSON. */
    private static void mapEntry(Reader in, ObjectNode out, boolean bytesValue) {
        String key = "";
        byte[] value = new byte[0];
        while (in.hasMore()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> key = in.string();
                case 2 -> value = in.bytes();
                default -> in.skip(tag);
            }
        }
        out.put(
                key,
                bytesValue ? Base64.getEncoder().encodeToString(value) : new String(value, StandardCharsets.UTF_8));
    }

    /** The protobuf wire format, only as far as the messages above need it. */
    private static final class Reader {
        private final byte[] data;
        private int position;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean hasMore() {
            return position < data.length;
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = data[position++];
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        byte[] bytes() {
            int length = (int) varint();
            byte[] out = Arrays.copyOfRange(data, position, position + length);
            position += length;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Reader message() {
            return new Reader(bytes());
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> position += 8;
                case 2 -> bytes();
                case 5 -> position += 4;
                default -> throw new IllegalArgumentException("unsupported wire type " + (tag & 7));
            }
        }
    }
}
