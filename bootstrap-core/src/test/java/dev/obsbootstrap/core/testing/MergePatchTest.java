package dev.obsbootstrap.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MergePatchTest {
    @Test
    void rfc7386ReplacesListsAndDeletesNulls() {
        assertThat(apply(
                        "{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"l\":[1,2]}",
                        "{\"b\":{\"c\":null,\"e\":4},\"l\":[3]}",
                        false))
                .isEqualTo(json("{\"a\":1,\"b\":{\"d\":3,\"e\":4},\"l\":[3]}"));
    }

    @Test
    void strategicMergesKeyedListsAndHonoursDirectives() {
        String current =
                "{\"containers\":[{\"name\":\"a\",\"image\":\"a:1\",\"ports\":[{\"containerPort\":80}]},{\"name\":\"b\",\"image\":\"b:1\"}],"
                        + "\"finalizers\":[\"x\",\"y\"]}";
        String patch = "{\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"c\"}],"
                + "\"containers\":[{\"name\":\"a\",\"image\":\"a:2\"},{\"name\":\"b\",\"$patch\":\"delete\"},{\"name\":\"c\",\"image\":\"c:1\"}],"
                + "\"$deleteFromPrimitiveList/finalizers\":[\"x\"]}";

        assertThat(apply(current, patch, true))
                .isEqualTo(
                        json(
                                "{\"containers\":[{\"name\":\"a\",\"image\":\"a:2\","
                                        + "\"ports\":[{\"containerPort\":80}]},{\"name\":\"c\",\"image\":\"c:1\"}],\"finalizers\":[\"y\"]}"));
    }

    @Test
    void servicePortsMergeOnPortAndUnkeyedListsAreReplaced() {
        assertThat(apply(
                        "{\"ports\":[{\"port\":80,\"name\":\"http\"}],\"args\":[\"-a\"]}",
                        "{\"ports\":[{\"port\":80,\"targetPort\":8080}],\"args\":[\"-b\"]}",
                        true))
                .isEqualTo(json("{\"ports\":[{\"port\":80,\"name\":\"http\",\"targetPort\":8080}],\"args\":[\"-b\"]}"));
    }

    private static JsonNode apply(String target, String patch, boolean strategic) {
        return MergePatch.apply(json(target), json(patch), strategic);
    }

    private static JsonNode json(String text) {
        return Serialization.jsonMapper().readTree(text);
    }
}
