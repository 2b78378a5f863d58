package dev.obsbootstrap.core.validate;

import java.util.Locale;

/**
 * The three ways to validate a change, weakest to strongest, and what each can and cannot prove: what
 * {@code validate} reports for the path it ran and for the ones it did not.
 */
public enum ValidationPath {
    STATIC(
            "static checks without a cluster",
            "every object fits the target Kubernetes API and every custom resource its CRD, no removed API, each workload's Pod "
                    + "Security level, pinned images, memory limits, no secret, the component configs by their own tools when on PATH",
            "that the workloads start and their images pull, that a real cluster's admission webhooks, quotas and policies accept "
                    + "the objects, that logs, traces, metrics and alerts flow"),
    LOCAL(
            "a throwaway K3s node through Testcontainers (smoke)",
            "the bundle installs on a real Kubernetes node, every workload becomes ready and every probe proves its signal flows "
                    + "end to end, and down removes it",
            "what only the target cluster has: its admission policies, storage classes, network policies, node sizes, cloud "
                    + "load balancers and the permissions of the people who apply it"),
    CLUSTER(
            "a server-side dry run and verify against the current kube context",
            "the target cluster's own API server, admission webhooks and quotas accept every object (--dry-run=server), and the "
                    + "stack running there now passes every probe",
            "that this bundle starts and its data flows before it is installed (a dry run creates nothing, and verify probes "
                    + "what runs now), objects whose CustomResourceDefinition is not installed yet, and namespaces that do not exist yet");

    private final String what;
    private final String proves;
    private final String cannotProve;

    ValidationPath(String what, String proves, String cannotProve) {
        this.what = what;
        this.proves = proves;
        this.cannotProve = cannotProve;
    }

    /** "static", as --path and the report name it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String what() {
        return what;
    }

    public String proves() {
        return proves;
    }

    public String cannotProve() {
        return cannotProve;
    }
}
