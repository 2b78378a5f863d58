package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReadinessChecksTest {

    @Nested
    class Deployments {
        @Test
        void readyWhenEveryDesiredReplicaIsUpdatedReadyAndAvailable() {
            assertThat(ReadinessChecks.isDeploymentReady(deployment(3, 2L, 2L, 3, 3, 3, 3)))
                    .isTrue();
        }

        @Test
        void notReadyWhileReplicasAreMissing() {
            Deployment deployment = deployment(1, 1L, 1L, 1, 1, 0, 0);
            assertThat(ReadinessChecks.isDeploymentReady(deployment)).isFalse();
            assertThat(ReadinessChecks.whyDeploymentNotReady(deployment)).contains("readyReplicas 0 of 1");
        }

        @Test
        void notReadyWhenTheControllerHasNotSeenTheLatestGeneration() {
            Deployment deployment = deployment(1, 3L, 2L, 1, 1, 1, 1);
            assertThat(ReadinessChecks.isDeploymentReady(deployment)).isFalse();
            assertThat(ReadinessChecks.whyDeploymentNotReady(deployment).orElseThrow())
                    .contains("observedGeneration 2 < generation 3");
        }

        @Test
        void notReadyWhileOldReplicasAreStillThere() {
            assertThat(ReadinessChecks.whyDeploymentNotReady(deployment(2, 1L, 1L, 3, 2, 2, 2))
                            .orElseThrow())
                    .contains("old replicas");
        }

        @Test
        void zeroDesiredReplicasIsReadyEvenWithoutStatus() {
            Deployment deployment = new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("d")
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(0)
                    .endSpec()
                    .build();
            assertThat(ReadinessChecks.isDeploymentReady(deployment)).isTrue();
        }

        @Test
        void missingReplicasMeansOneLikeTheApiServerDefault() {
            Deployment deployment = new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("d")
                    .endMetadata()
                    .withNewSpec()
                    .endSpec()
                    .withNewStatus()
                    .withReadyReplicas(0)
                    .endStatus()
                    .build();
            assertThat(ReadinessChecks.whyDeploymentNotReady(deployment)).contains("updatedReplicas 0 of 1");
        }

        @Test
        void nullAndIncompleteObjectsAreNotReady() {
            assertThat(ReadinessChecks.isDeploymentReady(null)).isFalse();
            assertThat(ReadinessChecks.isDeploymentReady(new Deployment())).isFalse();
            assertThat(ReadinessChecks.isDeploymentReady(new DeploymentBuilder()
                            .withNewSpec()
                            .withReplicas(1)
                            .endSpec()
                            .build()))
                    .isFalse();
        }

        @Test
        void aRolloutPastItsDeadlineSaysSo() {
            Deployment deployment = new DeploymentBuilder(deployment(1, 1L, 1L, 1, 1, 0, 0))
                    .editStatus()
                    .addNewCondition()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .withMessage("ReplicaSet \"d-1\" has timed out progressing.")
                    .endCondition()
                    .endStatus()
                    .build();
            assertThat(ReadinessChecks.whyDeploymentNotReady(deployment).orElseThrow())
                    .startsWith("rollout failed");
        }
    }

    @Nested
    class StatefulSets {
        @Test
        void readyWhenAllReplicasAreReadyAndUpdated() {
            assertThat(ReadinessChecks.isStatefulSetReady(statefulSet(2, 2, 2, "r1", "r1")))
                    .isTrue();
        }

        @Test
        void notReadyWithFewerReadyReplicas() {
            assertThat(ReadinessChecks.whyStatefulSetNotReady(statefulSet(2, 1, 2, "r1", "r1")))
                    .contains("readyReplicas 1 of 2");
        }

        @Test
        void notReadyWhileARollingUpdateIsUnfinished() {
            assertThat(ReadinessChecks.whyStatefulSetNotReady(statefulSet(1, 1, 1, "r1", "r2"))
                            .orElseThrow())
                    .contains("r2");
        }

        @Test
        void aPartitionLowersTheUpdatedReplicasNeeded() {
            StatefulSet partitioned = new StatefulSetBuilder(statefulSet(3, 3, 1, "r1", "r2"))
                    .editSpec()
                    .withNewUpdateStrategy()
                    .withType("RollingUpdate")
                    .withNewRollingUpdate()
                    .withPartition(2)
                    .endRollingUpdate()
                    .endUpdateStrategy()
                    .endSpec()
                    .build();
            assertThat(ReadinessChecks.isStatefulSetReady(partitioned)).isTrue();
        }

        @Test
        void zeroReplicasIsReadyAndNullIsNot() {
            assertThat(ReadinessChecks.isStatefulSetReady(new StatefulSetBuilder()
                            .withNewSpec()
                            .withReplicas(0)
                            .endSpec()
                            .build()))
                    .isTrue();
            assertThat(ReadinessChecks.isStatefulSetReady(null)).isFalse();
            assertThat(ReadinessChecks.isStatefulSetReady(new StatefulSetBuilder()
                            .withNewSpec()
                            .withReplicas(1)
                            .endSpec()
                            .build()))
                    .isFalse();
        }
    }

    @Nested
    class DaemonSets {
        @Test
        void readyWhenEveryScheduledPodIsReadyAndUpdated() {
            assertThat(ReadinessChecks.isDaemonSetReady(daemonSet(3, 3, 3, 3))).isTrue();
        }

        @Test
        void notReadyWithPodsNotReady() {
            assertThat(ReadinessChecks.whyDaemonSetNotReady(daemonSet(3, 3, 1, 1)))
                    .contains("numberReady 1 of 3");
        }

        @Test
        void notReadyWhileAnUpdateRollsOut() {
            assertThat(ReadinessChecks.whyDaemonSetNotReady(daemonSet(2, 1, 2, 2)))
                    .contains("updatedNumberScheduled 1 of 2");
        }

        @Test
        void nothingToScheduleIsReadyButNoStatusIsNot() {
            assertThat(ReadinessChecks.isDaemonSetReady(daemonSet(0, 0, 0, 0))).isTrue();
            assertThat(ReadinessChecks.isDaemonSetReady(
                            new DaemonSetBuilder().withNewSpec().endSpec().build()))
                    .isFalse();
            assertThat(ReadinessChecks.isDaemonSetReady(null)).isFalse();
        }
    }

    @Nested
    class Jobs {
        @Test
        void completeWhenTheCompleteConditionIsTrue() {
            Job job = new JobBuilder()
                    .withNewSpec()
                    .endSpec()
                    .withNewStatus()
                    .withSucceeded(1)
                    .addNewCondition()
                    .withType("Complete")
                    .withStatus("True")
                    .endCondition()
                    .endStatus()
                    .build();
            assertThat(ReadinessChecks.isJobComplete(job)).isTrue();
        }

        @Test
        void failedJobsSayWhy() {
            Job job = new JobBuilder()
                    .withNewSpec()
                    .endSpec()
                    .withNewStatus()
                    .withFailed(6)
                    .addNewCondition()
                    .withType("Failed")
                    .withStatus("True")
                    .withReason("BackoffLimitExceeded")
                    .withMessage("Job has reached the specified backoff limit")
                    .endCondition()
                    .endStatus()
                    .build();
            assertThat(ReadinessChecks.whyJobNotComplete(job).orElseThrow()).contains("BackoffLimitExceeded");
        }

        @Test
        void runningJobIsNotComplete() {
            Job job = new JobBuilder()
                    .withNewSpec()
                    .withCompletions(2)
                    .endSpec()
                    .withNewStatus()
                    .withActive(1)
                    .withSucceeded(1)
                    .endStatus()
                    .build();
            assertThat(ReadinessChecks.whyJobNotComplete(job)).contains("not complete (succeeded 1 of 2, active 1)");
            assertThat(ReadinessChecks.isJobComplete(new Job())).isFalse();
            assertThat(ReadinessChecks.isJobComplete(null)).isFalse();
        }
    }

    @Nested
    class Pods {
        @Test
        void readyWhenTheReadyConditionIsTrue() {
            assertThat(ReadinessChecks.isPodReady(pod("Running", "True"))).isTrue();
        }

        @Test
        void notReadyOtherwise() {
            assertThat(ReadinessChecks.whyPodNotReady(pod("Running", "False")).orElseThrow())
                    .contains("not ready");
            assertThat(ReadinessChecks.isPodReady(new PodBuilder()
                            .withNewStatus()
                            .withPhase("Pending")
                            .endStatus()
                            .build()))
                    .isFalse();
            assertThat(ReadinessChecks.isPodReady(new Pod())).isFalse();
            assertThat(ReadinessChecks.isPodReady(null)).isFalse();
        }
    }

    @Nested
    class Crds {
        @Test
        void establishedWhenTheConditionIsTrue() {
            assertThat(ReadinessChecks.isCrdEstablished(crd("True"))).isTrue();
        }

        @Test
        void notEstablishedOtherwise() {
            assertThat(ReadinessChecks.isCrdEstablished(crd("False"))).isFalse();
            assertThat(ReadinessChecks.isCrdEstablished(new CustomResourceDefinition()))
                    .isFalse();
            assertThat(ReadinessChecks.isCrdEstablished(null)).isFalse();
        }
    }

    @Nested
    class ByKind {
        @Test
        void dispatchesOnKindAndReadsUntypedObjects() {
            GenericKubernetesResource generic = Serialization.jsonMapper()
                    .convertValue(deployment(1, 1L, 1L, 1, 1, 1, 1), GenericKubernetesResource.class);
            assertThat(ReadinessChecks.isReady(generic)).isTrue();
            assertThat(ReadinessChecks.forKind("Deployment", false).test(generic))
                    .isTrue();
            assertThat(ReadinessChecks.forKind("Deployment", false).test(null)).isFalse();
        }

        @Test
        void anUnknownKindIsAConfigErrorUnlessExistsOnly() {
            assertThatThrownBy(() -> ReadinessChecks.forKind("ServiceMonitor", false))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("ServiceMonitor")
                    .hasMessageContaining("exists-only");
            var existsOnly = ReadinessChecks.forKind("ServiceMonitor", true);
            assertThat(existsOnly.test(null)).isFalse();
            assertThat(existsOnly.test(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("x")
                            .endMetadata()
                            .build()))
                    .isTrue();
        }

        @Test
        void whyNotReadyRejectsKindsItCannotJudge() {
            assertThatThrownBy(() -> ReadinessChecks.whyNotReady(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("x")
                            .endMetadata()
                            .build()))
                    .isInstanceOf(ConfigException.class);
            assertThat(ReadinessChecks.whyNotReady(null)).contains("does not exist");
        }
    }

    // ---- builders ----------------------------------------------------------------------------------------------

    static Deployment deployment(
            int desired, Long generation, Long observed, int replicas, int updated, int ready, int available) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("d")
                .withGeneration(generation)
                .endMetadata()
                .withNewSpec()
                .withReplicas(desired)
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(observed)
                .withReplicas(replicas)
                .withUpdatedReplicas(updated)
                .withReadyReplicas(ready)
                .withAvailableReplicas(available)
                .endStatus()
                .build();
    }

    static StatefulSet statefulSet(int desired, int ready, int updated, String current, String update) {
        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName("s")
                .withGeneration(1L)
                .endMetadata()
                .withNewSpec()
                .withReplicas(desired)
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(1L)
                .withReplicas(desired)
                .withReadyReplicas(ready)
                .withUpdatedReplicas(updated)
                .withCurrentRevision(current)
                .withUpdateRevision(update)
                .endStatus()
                .build();
    }

    static DaemonSet daemonSet(int desired, int updated, int ready, int available) {
        return new DaemonSetBuilder()
                .withNewMetadata()
                .withName("ds")
                .withGeneration(1L)
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(1L)
                .withDesiredNumberScheduled(desired)
                .withCurrentNumberScheduled(desired)
                .withUpdatedNumberScheduled(updated)
                .withNumberReady(ready)
                .withNumberAvailable(available)
                .endStatus()
                .build();
    }

    static Pod pod(String phase, String ready) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready)
                .endCondition()
                .endStatus()
                .build();
    }

    static CustomResourceDefinition crd(String established) {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("widgets.example.com")
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Established")
                .withStatus(established)
                .endCondition()
                .endStatus()
                .build();
    }
}
