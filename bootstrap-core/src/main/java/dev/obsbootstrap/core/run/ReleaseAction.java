package dev.obsbootstrap.core.run;

/** What a run did to one Helm release (or CRD set). The label is what reports print and the JSON carries. */
public enum ReleaseAction {
    INSTALLED("installed"),
    UPGRADED("upgraded"),
    /** Upgraded with unchanged values because objects of it had been deleted outside obs-bootstrap. */
    REPAIRED("repaired"),
    UNCHANGED("unchanged"),
    /** CRDs server-side applied. */
    APPLIED("applied"),
    UNINSTALLED("uninstalled"),
    /**
     * Uninstalled by up: the config installs another component in its place, and the phase was verified with that one.
     */
    REPLACED("uninstalled (replaced)"),
    /** Uninstalled, and its PersistentVolumeClaims deleted (down --purge). */
    UNINSTALLED_PURGED("uninstalled, volumes purged"),
    /** CRDs deleted (down --purge). */
    PURGED("purged"),
    /** CRDs left in place (down without --purge). */
    KEPT("kept (no --purge)");

    private final String label;

    ReleaseAction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
