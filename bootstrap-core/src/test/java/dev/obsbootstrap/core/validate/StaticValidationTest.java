package dev.obsbootstrap.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.plan.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Each static check passes the clean fixture and fails its own fixture (fixtures/validate/), naming file, line, resource and key. */
class StaticValidationTest {
    /** A checker of every object's spec whose tool refuses everything, naming the file it was given. */
    static final ConfigChecker REFUSES_ALL = new ConfigChecker() {
        @Override
        public String tool() {
            return "fixture-check";
        }

        @Override
        public List<String> binaries() {
            return List.of("fixture-check");
        }

        @Override
        public String what() {
            return "specs";
        }

        @Override
        public String suffix() {
            return ".yaml";
        }

        @Override
        public List<Config> configs(List<ManifestObject> objects) {
            return objects.stream()
                    .filter(o -> o.kind().equals("PrometheusRule"))
                    .map(o -> new Config(o, "spec", String.valueOf(o.at("spec").orElseThrow())))
                    .toList();
        }

        @Override
        public List<String> command(String binary, String file) {
            return List.of(binary, "-c", "echo \"$1: parse error: unclosed left parenthesis\"; exit 1", "sh", file);
        }
    };

    private static final ConfigTools NO_TOOLS = new ConfigTools(name -> Optional.empty(), List.of(REFUSES_ALL));

    private static ManifestFile file(String name) {
        try (var in = StaticValidationTest.class.getResourceAsStream("/fixtures/validate/" + name)) {
            return new ManifestFile(
                    name,
                    "observability",
                    new String(
                            java.util.Objects.requireNonNull(in, name).readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static StaticReport check(
            String kubeVersion, Optional<PodSecurityLevel> level, ConfigTools tools, String... names) {
        List<ManifestFile> files = new ArrayList<>();
        for (String name : names) {
            files.add(file(name));
        }
        return new StaticValidation(kubeVersion, level, tools).check(files);
    }

    private static StaticReport check(String... names) {
        return check("1.31.0", Optional.empty(), NO_TOOLS, names);
    }

    @Test
    void theCleanFixturePassesEveryCheckAndFitsRestricted() {
        StaticReport report =
                check("1.31.0", Optional.of(PodSecurityLevel.RESTRICTED), NO_TOOLS, "clean.yaml", "crd.yaml");

        assertThat(report.findings()).isEmpty();
        assertThat(report.kubernetesApi()).isEqualTo("1.31");
        assertThat(report.workloads()).singleElement().satisfies(workload -> {
            assertThat(workload.subject()).isEqualTo("Deployment observability/web");
            assertThat(workload.needed()).isEqualTo(PodSecurityLevel.RESTRICTED);
            assertThat(workload.namespaceLevel()).isEqualTo("restricted");
        });
    }

    @Test
    void aPlantedUnknownFieldIsAnErrorAtItsLine() {
        StaticReport report = check("unknown-field.yaml");

        assertThat(report.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.isError()).isTrue();
            assertThat(finding.rule()).isEqualTo("kubernetes-schema");
            assertThat(finding.toString())
                    .isEqualTo(
                            "unknown-field.yaml:17: Deployment observability/web: "
                                    + "spec.template.spec.containers[0].imagePullPolcy: unknown field 'imagePullPolcy'; did you mean 'imagePullPolicy'? (Kubernetes 1.31 API)");
        });
    }

    @Test
    void aRemovedApiIsAnErrorNamingTheReplacementAndOnlyAWarningWhereItIsStillServed() {
        StaticReport on131 = check("removed-api.yaml");
        StaticReport on124 = check("1.24.0", Optional.empty(), NO_TOOLS, "removed-api.yaml");

        assertThat(on131.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("removed-api");
            assertThat(finding.toString())
                    .isEqualTo(
                            "removed-api.yaml:3: PodDisruptionBudget observability/web: policy/v1beta1 "
                                    + "PodDisruptionBudget was removed in Kubernetes 1.25 (the target is 1.31.0): use policy/v1");
        });
        assertThat(on124.findings())
                .extracting(Finding::rule)
                .contains("deprecated-api")
                .doesNotContain("removed-api");
        assertThat(on124.notes())
                .anySatisfy(
                        note -> assertThat(note).contains("no API data for Kubernetes 1.24", "checked against 1.28"));
    }

    @Test
    void aCustomResourceIsCheckedAgainstItsCrdsSchema() {
        StaticReport report = check("crd.yaml", "crd-violation.yaml");

        assertThat(report.findings()).extracting(Finding::rule).containsOnly("crd-schema");
        assertThat(report.findings())
                .extracting(Finding::toString)
                .containsExactlyInAnyOrder(
                        "crd-violation.yaml:7: ServiceMonitor observability/web: spec: missing required field 'selector' "
                                + "(schema of its CustomResourceDefinition in the bundle)",
                        "crd-violation.yaml:10: ServiceMonitor observability/web: spec.endpoints[0].interval: "
                                + "does not match the regex pattern ^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$ "
                                + "(schema of its CustomResourceDefinition in the bundle)",
                        "crd-violation.yaml:13: ServiceMonitor observability/web: spec.endpoints[1].intervall: unknown field 'intervall'; "
                                + "did you mean 'interval'? (schema of its CustomResourceDefinition in the bundle)");
    }

    @Test
    void withoutItsCrdACustomResourceIsNotedAsUnchecked() {
        StaticReport report = check("crd-violation.yaml");

        assertThat(report.findings()).isEmpty();
        assertThat(report.notes())
                .contains("no schema for monitoring.coreos.com/v1 ServiceMonitor: its CustomResourceDefinition is not "
                        + "in the bundle, so its fields were not checked");
    }

    @Test
    void aPrivilegedPodInARestrictedNamespaceIsAnErrorAndItsPrivilegesAreListed() {
        StaticReport report = check("privileged-in-restricted.yaml");

        assertThat(report.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("pod-security");
            assertThat(finding.line()).isEqualTo(10);
            assertThat(finding.message())
                    .startsWith(
                            "needs Pod Security level privileged (hostNetwork; hostPath volume 'varlog' (/var/log); "
                                    + "container 'agent' is privileged) but namespace locked-down enforces restricted: its pods would be refused");
        });
        assertThat(report.workloads()).singleElement().satisfies(workload -> {
            assertThat(workload.subject()).isEqualTo("DaemonSet locked-down/node-agent");
            assertThat(workload.privileges())
                    .containsExactly(
                            "hostNetwork", "hostPath volume 'varlog' (/var/log)", "container 'agent' is privileged");
        });
    }

    @Test
    void theStackNamespacesLevelFromOutsideTheBundleIsCheckedToo() {
        StaticReport baseline = check("1.31.0", Optional.of(PodSecurityLevel.BASELINE), NO_TOOLS, "unknown-field.yaml");

        assertThat(baseline.findings()).extracting(Finding::rule).containsExactly("kubernetes-schema");
        StaticReport restricted =
                check("1.31.0", Optional.of(PodSecurityLevel.RESTRICTED), NO_TOOLS, "unknown-field.yaml");
        assertThat(restricted.findings()).extracting(Finding::rule).contains("pod-security");
        assertThat(restricted.findings())
                .filteredOn(f -> f.rule().equals("pod-security"))
                .singleElement()
                .satisfies(f -> assertThat(f.message())
                        .contains("needs Pod Security level baseline", "does not set runAsNonRoot: true"));
    }

    @Test
    void aToolThatRefusesAConfigIsAnErrorAtTheObjectWithTheToolsWordsAndNoScratchPath() {
        ConfigTools tools = new ConfigTools(
                name -> name.equals("fixture-check") ? Optional.of(java.nio.file.Path.of("/bin/sh")) : Optional.empty(),
                List.of(REFUSES_ALL));

        StaticReport report = check("1.31.0", Optional.empty(), tools, "broken-rule.yaml");

        assertThat(report.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("component-config");
            assertThat(finding.subject()).isEqualTo("PrometheusRule observability/broken key 'spec'");
            // the scratch file's path is replaced by the key it holds: nothing of this machine leaks into the report
            assertThat(finding.message())
                    .isEqualTo("fixture-check refuses it: spec: parse error: unclosed left parenthesis");
        });
        assertThat(report.tools())
                .singleElement()
                .satisfies(run -> assertThat(run.summary()).isEqualTo("/bin/sh: 1 specs checked, 1 refused"));
    }

    /** REFUSES_ALL for a component the bundle deploys at 0.34.0, with a tool that says it is {@code toolVersion}. */
    private static ConfigChecker refusesAllAsVersion(String toolVersion) {
        return new ConfigChecker() {
            @Override
            public String tool() {
                return REFUSES_ALL.tool();
            }

            @Override
            public List<String> binaries() {
                return REFUSES_ALL.binaries();
            }

            @Override
            public String what() {
                return REFUSES_ALL.what();
            }

            @Override
            public String suffix() {
                return REFUSES_ALL.suffix();
            }

            @Override
            public List<Config> configs(List<ManifestObject> objects) {
                return REFUSES_ALL.configs(objects);
            }

            @Override
            public List<String> command(String binary, String file) {
                return REFUSES_ALL.command(binary, file);
            }

            @Override
            public Optional<String> componentVersion(List<ManifestObject> objects) {
                return Optional.of("v0.34.0");
            }

            @Override
            public List<String> versionCommand(String binary) {
                return List.of(binary, "-c", "echo 'fixture-check, version " + toolVersion + " (branch: x)'");
            }
        };
    }

    @Test
    void aRefusalByAToolOlderThanTheDeployedComponentIsAWarningThatSaysSo() {
        for (String older : List.of("0.25.0", "0.33.9")) {
            ConfigTools tools = new ConfigTools(
                    name -> Optional.of(java.nio.file.Path.of("/bin/sh")), List.of(refusesAllAsVersion(older)));

            StaticReport report = check("1.31.0", Optional.empty(), tools, "broken-rule.yaml");

            assertThat(report.findings()).as(older).singleElement().satisfies(finding -> {
                assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
                assertThat(finding.message())
                        .contains("fixture-check refuses it, but sh " + older
                                + " is older than the version the bundle deploys (0.34.0)")
                        .contains("parse error: unclosed left parenthesis");
            });
        }
        for (String same : List.of("0.34.0", "0.35.1", "1.0.0")) {
            ConfigTools tools = new ConfigTools(
                    name -> Optional.of(java.nio.file.Path.of("/bin/sh")), List.of(refusesAllAsVersion(same)));

            StaticReport report = check("1.31.0", Optional.empty(), tools, "broken-rule.yaml");

            assertThat(report.findings())
                    .as(same + ": a tool as new as the component speaks for it")
                    .singleElement()
                    .satisfies(finding -> assertThat(finding.severity()).isEqualTo(Finding.Severity.ERROR));
        }
    }

    @Test
    void theDeployedVersionIsReadOffTheComponentsImage() {
        ManifestObject statefulSet =
                dev.obsbootstrap.core.manifest.Manifests.objects("""
                        apiVersion: apps/v1
                        kind: StatefulSet
                        metadata: {name: obs-alertmanager, namespace: observability}
                        spec:
                          template:
                            spec:
                              containers:
                                - name: reloader
                                  image: quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1
                                - name: alertmanager
                                  image: quay.io/prometheus/alertmanager:v0.34.0@sha256:abc
                        """).get(0);
        assertThat(ConfigChecker.imageTag(List.of(statefulSet), "alertmanager")).contains("0.34.0");
        assertThat(ConfigChecker.imageTag(List.of(statefulSet), "prometheus")).isEmpty();
    }

    @Test
    void aMissingToolIsANoteNotAFailure() {
        StaticReport report = check("1.31.0", Optional.empty(), NO_TOOLS, "broken-rule.yaml");

        assertThat(report.findings()).isEmpty();
        assertThat(report.tools()).singleElement().satisfies(run -> {
            assertThat(run.ran()).isFalse();
            assertThat(run.summary()).isEqualTo("skipped: fixture-check is not on PATH, so 1 specs was not checked");
        });
    }

    @Test
    void findingsAreWrittenAsSarif() {
        StaticReport report = check("crd.yaml", "crd-violation.yaml", "removed-api.yaml");

        JsonNode sarif = JsonMapper.builder().build().readTree(SarifReport.write(report.findings(), "0.1.0"));

        assertThat(sarif.get("version").asString()).isEqualTo("2.1.0");
        JsonNode run = sarif.get("runs").get(0);
        assertThat(run.get("tool").get("driver").get("name").asString()).isEqualTo("obs-bootstrap");
        assertThat(run.get("results")).hasSize(4);
        JsonNode first = run.get("results").get(0);
        assertThat(first.get("ruleId").asString()).isEqualTo("crd-schema");
        assertThat(first.get("level").asString()).isEqualTo("error");
        assertThat(first.get("locations")
                        .get(0)
                        .get("physicalLocation")
                        .get("artifactLocation")
                        .get("uri")
                        .asString())
                .isEqualTo("crd-violation.yaml");
        assertThat(first.get("locations")
                        .get(0)
                        .get("physicalLocation")
                        .get("region")
                        .get("startLine")
                        .asInt())
                .isEqualTo(7);
        List<String> rules = new ArrayList<>();
        run.get("tool")
                .get("driver")
                .get("rules")
                .forEach(rule -> rules.add(rule.get("id").asString()));
        assertThat(rules).contains("crd-schema", "removed-api", "kubernetes-schema", "pod-security");
    }
}
