package dev.obsbootstrap.core.run;

/**
 * Told before every Helm write which release and revision this run is about to create, so the ledger knows it before
 * the cluster does: if the run dies during the write, the next run can tell the pending release it left from one
 * that someone else's {@code helm upgrade} left.
 */
@FunctionalInterface
public interface WriteLog {
    void writing(String release, int revision);

    static WriteLog none() {
        return (release, revision) -> {};
    }
}
