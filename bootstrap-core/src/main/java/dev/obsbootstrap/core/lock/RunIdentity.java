package dev.obsbootstrap.core.lock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Who runs obs-bootstrap: the run id, the user, the host and the process. It names the holder of the stack's lock,
 * so a second run can say whose run is in the way, and a run can tell that a holder on its own host has died.
 */
public record RunIdentity(String runId, String user, String host, long pid) {
    public RunIdentity {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
    }

    /** This process, running {@code runId}. */
    public static RunIdentity current(String runId) {
        return new RunIdentity(
                runId,
                System.getProperty("user.name", "unknown"),
                localHost(),
                ProcessHandle.current().pid());
    }

    /** "alice@ci-runner-7 pid 4242": what messages and the ledger show. */
    public String describe() {
        return user + "@" + host + " pid " + pid;
    }

    /**
     * Whether this names a run on this host that has ended: its process is gone, or it is this process and the run no
     * longer holds a lock here (it ended, and its release did not reach the API server). Its lock can be taken over at once.
     */
    public boolean deadOnThisHost() {
        if (!host.equals(localHost()) || pid <= 0) {
            return false;
        }
        if (pid == ProcessHandle.current().pid()) {
            return !LIVE_IN_THIS_PROCESS.contains(runId);
        }
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    /**
     * Run ids holding a lock in this process, or taking one: a run is added before it writes the Lease, and removed
     * when it lets go or fails to take it.
     */
    static final java.util.Set<String> LIVE_IN_THIS_PROCESS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public static String localHost() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
