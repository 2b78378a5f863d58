package dev.obsbootstrap.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structure the folder list promises, checked on the compiled classes of every module (this module sees them all):
 * the engine's packages form layers with no upward import and no cycle, bootstrap-core imports no stack module, a
 * stack module imports another only through the published probe kits, and the CLI imports no stack module (it finds phases with ServiceLoader).
 * See docs/architecture.md for the map.
 */
class ArchitectureTest {
    private static final String CORE = "dev.obsbootstrap.core";
    private static final String[] STACKS = {
        "dev.obsbootstrap.metrics..",
        "dev.obsbootstrap.logs..",
        "dev.obsbootstrap.traces..",
        "dev.obsbootstrap.alerting..",
        "dev.obsbootstrap.grafana.."
    };
    /** Packages of stack-metrics other stack modules may import: the Grafana and Prometheus probes. */
    private static final String[] PROBE_KITS = {
        "dev.obsbootstrap.metrics.grafana..", "dev.obsbootstrap.metrics.prometheus.."
    };

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        // tests are left out whether they come as test-classes directories or as a module's -tests.jar
        ImportOption productionOnly = location -> !location.contains("/test-classes/")
                && !location.asURI().toString().contains("-tests.jar");
        production = new ClassFileImporter().withImportOption(productionOnly).importPackages("dev.obsbootstrap");
    }

    /** Bottom to top; a layer may use the ones below it, never one above. */
    static ArchRule coreLayers() {
        return layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("error")
                .definedBy(CORE + ".error..")
                .layer("console")
                .definedBy(CORE + ".console..")
                .layer("secret")
                .definedBy(CORE + ".secret..")
                .layer("config")
                .definedBy(CORE + ".config..")
                .layer("manifest")
                .definedBy(CORE + ".manifest..")
                .layer("values")
                .definedBy(CORE + ".values..")
                .layer("helm")
                .definedBy(CORE + ".helm..")
                .layer("cluster")
                .definedBy(CORE + ".cluster..")
                .layer("probe")
                .definedBy(CORE + ".probe..")
                .layer("lock")
                .definedBy(CORE + ".lock..")
                .layer("phase")
                .definedBy(CORE + ".phase..")
                .layer("render")
                .definedBy(CORE + ".render..")
                .layer("run")
                .definedBy(CORE + ".run..")
                .layer("plan")
                .definedBy(CORE + ".plan..")
                .layer("validate")
                .definedBy(CORE + ".validate..")
                .layer("report")
                .definedBy(CORE + ".report..")
                .whereLayer("report")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("validate")
                .mayOnlyBeAccessedByLayers("report")
                .whereLayer("plan")
                .mayOnlyBeAccessedByLayers("validate", "report")
                .whereLayer("run")
                .mayOnlyBeAccessedByLayers("validate", "report")
                .whereLayer("render")
                .mayOnlyBeAccessedByLayers("run", "plan", "validate", "report")
                .whereLayer("phase")
                .mayOnlyBeAccessedByLayers("render", "run", "plan", "validate", "report")
                .whereLayer("lock")
                .mayOnlyBeAccessedByLayers("run", "plan", "validate", "report")
                .whereLayer("probe")
                .mayOnlyBeAccessedByLayers("phase", "render", "run", "plan", "validate", "report")
                .whereLayer("cluster")
                .mayOnlyBeAccessedByLayers("lock", "phase", "render", "run", "plan", "validate", "report")
                .whereLayer("helm")
                .mayOnlyBeAccessedByLayers("render", "run", "plan", "validate", "report")
                .whereLayer("values")
                .mayOnlyBeAccessedByLayers("render", "run", "plan", "validate", "report")
                .whereLayer("manifest")
                .mayOnlyBeAccessedByLayers("cluster", "helm", "phase", "render", "run", "plan", "validate", "report")
                .whereLayer("config")
                .mayOnlyBeAccessedByLayers(
                        "values",
                        "helm",
                        "cluster",
                        "probe",
                        "lock",
                        "phase",
                        "render",
                        "run",
                        "plan",
                        "validate",
                        "report")
                .whereLayer("secret")
                .mayOnlyBeAccessedByLayers(
                        "config",
                        "values",
                        "helm",
                        "cluster",
                        "probe",
                        "phase",
                        "render",
                        "run",
                        "plan",
                        "validate",
                        "report")
                .whereLayer("console")
                .mayOnlyBeAccessedByLayers(
                        "config",
                        "manifest",
                        "values",
                        "helm",
                        "cluster",
                        "probe",
                        "lock",
                        "phase",
                        "render",
                        "run",
                        "plan",
                        "validate",
                        "report")
                .because(
                        "the engine is read bottom to top: a package knows only the ones below it (docs/architecture.md)");
    }

    static ArchRule noCyclesInCore() {
        return slices().matching(CORE + ".(*)..").should().beFreeOfCycles();
    }

    @Test
    void theEnginesPackagesFormLayersWithoutUpwardImports() {
        coreLayers().check(production);
    }

    @Test
    void theEnginesPackagesHaveNoCycle() {
        noCyclesInCore().check(production);
    }

    @Test
    void coreImportsNoStackModuleAndTheCliNone() {
        noClasses()
                .that()
                .resideInAPackage(CORE + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(STACKS)
                .because("bootstrap-core knows no component")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("dev.obsbootstrap.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(STACKS)
                .because("the CLI finds phases with ServiceLoader and knows none of them")
                .check(production);
    }

    /**
     * A stack module uses another only through the probe kits the metrics module publishes for the servers every signal
     * is read through (Grafana, Prometheus); never another phase's classes.
     */
    @Test
    void noStackModuleImportsAnotherExceptThePublishedProbeKits() {
        String[] phases = {"metrics", "logs", "traces", "alerting"};
        for (String phase : phases) {
            for (String other : phases) {
                if (!phase.equals(other)) {
                    noClasses()
                            .that()
                            .resideInAPackage("dev.obsbootstrap." + phase + "..")
                            .should()
                            .dependOnClassesThat(resideInAPackage("dev.obsbootstrap." + other + "..")
                                    .and(not(resideInAnyPackage(PROBE_KITS))))
                            .check(production);
                }
            }
        }
        noClasses()
                .that()
                .resideInAnyPackage(PROBE_KITS)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.obsbootstrap.metrics")
                .because("the probe kits stand apart from the metrics phase that ships them")
                .check(production);
    }

    @Test
    void aDeliberateCycleMakesTheCycleRuleFail() {
        JavaClasses cyclic = new ClassFileImporter().importPackages("dev.obsbootstrap.architecture.cyclic");

        EvaluationResult result = slices().matching("dev.obsbootstrap.architecture.cyclic.(*)..")
                .should()
                .beFreeOfCycles()
                .evaluate(cyclic);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("Cycle detected", "First", "Second");
    }
}
