package dev.obsbootstrap.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.manifest.Manifests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesApiSchemasTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              creationTimestamp: null
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27.0
                      ports:
                        - containerPort: 8080
                          name: http
                      resources:
                        limits: {memory: 64Mi, cpu: 1}
                      livenessProbe:
                        httpGet: {path: /, port: http}
            """;

    private static Map<?, ?> object(String yaml) {
        return (Map<?, ?>) Manifests.documents(yaml).get(0).body();
    }

    @Test
    void aWellFormedDeploymentHasNoViolations() {
        KubernetesApiSchemas api = KubernetesApiSchemas.forVersion("1.31.0");

        assertThat(api.serves("apps/v1", "Deployment")).isTrue();
        assertThat(api.validate("apps/v1", "Deployment", object(DEPLOYMENT))).isEmpty();
        assertThat(api.substitution()).isEmpty();
    }

    @Test
    void anUnknownFieldIsNamedWithItsPathAndTheNearestKnownName() {
        String typo =
                DEPLOYMENT.replace("image: nginx:1.27.0", "image: nginx:1.27.0\n          imagePullPolcy: Always");

        List<SchemaViolation> violations =
                KubernetesApiSchemas.forVersion("1.31.0").validate("apps/v1", "Deployment", object(typo));

        assertThat(violations)
                .extracting(SchemaViolation::describePath, SchemaViolation::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec.template.spec.containers[0].imagePullPolcy",
                        "unknown field 'imagePullPolcy'; did you mean 'imagePullPolicy'?"));
    }

    /**
     * A kind's schema carries only the definitions it reaches; a recursive one (a CRD's JSONSchemaProps, properties of
     * properties) still reaches itself at every depth, and an error four levels down is still found.
     */
    @Test
    void aRecursiveDefinitionIsFollowedToAnyDepth() {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.org}
                spec:
                  group: example.org
                  names: {kind: Widget, plural: widgets}
                  scope: Namespaced
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec:
                              type: object
                              properties:
                                size:
                                  type: object
                                  properties:
                                    unit: {type: string, maxLenght: 3}
                """;

        List<SchemaViolation> violations = KubernetesApiSchemas.forVersion("1.31.0")
                .validate("apiextensions.k8s.io/v1", "CustomResourceDefinition", object(crd));

        assertThat(violations)
                .extracting(SchemaViolation::describePath, SchemaViolation::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.properties.unit"
                                + ".maxLenght",
                        "unknown field 'maxLenght'; did you mean 'maxLength'?"));
    }

    @Test
    void aWrongTypeAndAMissingRequiredFieldAreReported() {
        String broken = DEPLOYMENT
                .replace("replicas: 2", "replicas: \"two\"")
                .replace("- name: web\n          image: nginx:1.27.0", "- image: nginx:1.27.0");

        List<SchemaViolation> violations =
                KubernetesApiSchemas.forVersion("1.31.0").validate("apps/v1", "Deployment", object(broken));

        assertThat(violations)
                .extracting(v -> v.describePath() + ": " + v.message())
                .contains(
                        "spec.replicas: is the string \"two\", must be an integer",
                        "spec.template.spec.containers[0]: missing required field 'name'");
    }

    @Test
    void kindsAReleaseNoLongerServesAreKnownAsSuch() {
        KubernetesApiSchemas api = KubernetesApiSchemas.forVersion("1.31.2");

        assertThat(api.serves("policy/v1beta1", "PodSecurityPolicy")).isFalse();
        assertThat(api.serves("autoscaling/v2", "HorizontalPodAutoscaler")).isTrue();
        assertThat(api.serves("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"))
                .isFalse();
        assertThat(KubernetesApiSchemas.isBuiltInGroup("policy/v1beta1")).isTrue();
        assertThat(KubernetesApiSchemas.isBuiltInGroup("monitoring.coreos.com/v1"))
                .isFalse();
    }

    @Test
    void aVersionOutsideTheShippedRangeUsesTheNearestAndSaysSo() {
        KubernetesApiSchemas api = KubernetesApiSchemas.forVersion("1.26.3");

        assertThat(api.servedMinor()).isEqualTo("1.28");
        assertThat(api.substitution())
                .hasValueSatisfying(note -> assertThat(note).contains("Kubernetes 1.26", "checked against 1.28"));
    }
}
