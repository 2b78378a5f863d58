package dev.obsbootstrap.core.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.diff.ManifestDiff.Change;
import dev.obsbootstrap.core.diff.ManifestDiff.ObjectChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestDiffTest {
    private static final String LIVE = """
            ---
            # Source: store/templates/service.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: obs-store
            spec:
              ports: [{port: 80, name: http}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: obs-store
              namespace: observability
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                    - name: store
                      image: store:1.0
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: obs-old}
            data: {a: "1"}
            """;

    @Test
    void theSameObjectsInAnotherKeyOrderAreNoChange() {
        String reordered = """
                apiVersion: apps/v1
                metadata:
                  namespace: observability
                  name: obs-store
                kind: Deployment
                spec:
                  template:
                    spec:
                      containers:
                        - image: store:1.0
                          name: store
                  replicas: 1
                ---
                kind: Service
                apiVersion: v1
                metadata: {name: obs-store}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: obs-old}
                data: {a: "1"}
                """;
        assertThat(ManifestDiff.compare(LIVE, reordered, "observability", 3)).isEmpty();
    }

    @Test
    void aChangedAddedAndRemovedObjectEachShowAsAUnifiedDiff() {
        String desired = LIVE.replace("image: store:1.0", "image: store:1.1")
                .replace("kind: ConfigMap\nmetadata: {name: obs-old}", "kind: ConfigMap\nmetadata: {name: obs-new}");

        List<ObjectChange> changes = ManifestDiff.compare(LIVE, desired, "observability", 3);

        assertThat(changes)
                .extracting(ObjectChange::object, ObjectChange::change)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Deployment observability/obs-store", Change.CHANGED),
                        org.assertj.core.groups.Tuple.tuple("ConfigMap observability/obs-new", Change.ADDED),
                        org.assertj.core.groups.Tuple.tuple("ConfigMap observability/obs-old", Change.REMOVED));
        assertThat(changes.get(0).diff())
                .contains("--- live/Deployment observability/obs-store")
                .contains("+++ desired/Deployment observability/obs-store")
                .contains("-      - image: store:1.0", "+      - image: store:1.1")
                .doesNotContain("kind: Service");
        assertThat(changes.get(2).diff()).contains("-data:", "-  a: '1'");
    }

    @Test
    void hooksAreLeftOutBecauseHelmDoesNotRecordThemInTheManifest() {
        String withHook = LIVE + """
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: obs-store-test
                  annotations: {"helm.sh/hook": test}
                """;
        assertThat(ManifestDiff.compare(LIVE, withHook, "observability", 3)).isEmpty();
    }

    @Test
    void secretValuesNeverAppearOnlyWhetherTheyChanged() {
        String live = """
                apiVersion: v1
                kind: Secret
                metadata: {name: obs-creds}
                data: {password: aHVudGVyMg==, user: YWRtaW4=}
                stringData: {token: s3cr3t-live}
                """;
        String desired = """
                apiVersion: v1
                kind: Secret
                metadata: {name: obs-creds}
                data: {password: bmV3LXBhc3N3b3Jk, user: YWRtaW4=}
                stringData: {token: s3cr3t-live}
                """;

        List<ObjectChange> changes = ManifestDiff.compare(live, desired, "observability", 3);

        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.diff())
                    .contains(
                            "-  password: (secret value, before the change)",
                            "+  password: (secret value, after the change)",
                            "   user: (secret value, unchanged)")
                    .doesNotContain("aHVudGVyMg", "bmV3LXBhc3N3b3Jk", "YWRtaW4", "s3cr3t");
        });
        assertThat(ManifestDiff.compare("", desired, "observability", 3))
                .singleElement()
                .satisfies(change -> assertThat(change.diff())
                        .contains("+  password: (secret value)")
                        .doesNotContain("bmV3LXBhc3N3b3Jk"));
    }

    @Test
    void projectionKeepsOnlyWhatTheRenderedObjectSets() {
        Map<String, Object> live = Map.of(
                "metadata", Map.of("name", "x", "uid", "123", "resourceVersion", "9"),
                "spec", Map.of("group", "g", "conversion", Map.of("strategy", "None")),
                "status", Map.of("acceptedNames", Map.of()));
        Map<String, Object> shape = Map.of("metadata", Map.of("name", "x"), "spec", Map.of("group", "g2"));

        assertThat(StackDiff.project(live, shape))
                .isEqualTo(Map.of("metadata", Map.of("name", "x"), "spec", Map.of("group", "g")));
    }
}
