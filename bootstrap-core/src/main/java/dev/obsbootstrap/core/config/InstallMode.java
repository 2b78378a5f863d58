package dev.obsbootstrap.core.config;

/** How a component reaches the cluster. */
public enum InstallMode {
    /** {@code helm upgrade --install} of the chart with rendered values. */
    HELM_RELEASE,
    /** The chart is only templated; its CustomResourceDefinitions are server-side applied and waited on until Established. */
    APPLY_CRDS
}
