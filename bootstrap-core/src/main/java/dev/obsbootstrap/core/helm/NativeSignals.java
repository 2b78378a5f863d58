package dev.obsbootstrap.core.helm;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps the JVM's handlers for SIGINT, SIGTERM and SIGQUIT in place around every call into Helm's native library.
 *
 * <p>Why: helm-java 0.0.21 runs Helm as a Go c-shared library, and its install path (which {@code template} and the
 * install fallback of {@code upgrade --install} also take) calls {@code signal.Notify(c, SIGINT, SIGTERM, SIGKILL,
 * SIGQUIT)} and never {@code signal.Stop} (manusa/helm-java {@code native/internal/helm/install.go}, tag v0.0.21,
 * line 187). In a c-shared library, {@code Notify} makes the Go runtime install its own handler with
 * {@code sigaction} (Go {@code runtime/signal_unix.go} {@code sigenable}), and Go never forwards an asynchronous
 * signal it was asked to deliver ({@code sigfwdgo} forwards synchronous signals only). From the first such call on,
 * Ctrl-C and SIGTERM reached only a goroutine that cancels that one Helm call's context: the JVM never saw them, its
 * shutdown hooks never ran, and a run went on to the end (exit 0). Thread dumps ({@code kill -3}) were lost the same way.
 *
 * <p>The fix: read each handler with {@code sigaction(sig, NULL, &old)} before the call and put it back afterwards.
 * Go then still believes it handles the signal ({@code handlingSig} stays set, so later {@code Notify} calls do not
 * install its handler again), and the JVM's own handler (and with it {@code sun.misc.Signal} handlers and shutdown
 * hooks) gets every signal. The {@code struct sigaction} is treated as opaque bytes, so no layout is assumed.
 * Where libc cannot be reached (Windows, which has no such signals), calls run unchanged.
 */
public final class NativeSignals {
    /** SIGINT, SIGTERM, SIGQUIT: the same numbers on Linux and macOS. */
    private static final List<Integer> GUARDED = List.of(2, 15, 3);
    /** Larger than {@code struct sigaction} on every libc we run on (glibc x86_64: 152 bytes, macOS: 16). */
    private static final int SIGACTION_BYTES = 512;

    private static final Object LOCK = new Object();
    private static final LibC LIBC = loadLibC();
    /** Calls in flight; guarded by {@link #LOCK}. */
    private static int inFlight;
    /** The JVM's handlers, read when the last call began with none in flight; guarded by {@link #LOCK}. */
    private static List<Memory> saved = List.of();

    interface LibC extends Library {
        int sigaction(int signal, Pointer action, Pointer oldAction);
    }

    private NativeSignals() {}

    /** Whether handlers are actually guarded on this platform. */
    public static boolean active() {
        return LIBC != null;
    }

    /**
     * Runs a native Helm call with the process's signal handlers as they were before it. Calls may overlap (plan
     * renders releases in parallel). The handlers are read only when no call is in flight: then they are the JVM's,
     * whereas a call that began while another ran could read Go's, and putting that one back would keep the JVM from
     * ever seeing the signal again. Every call puts the handlers read back as it ends, so Go's handler stays in place
     * no longer than until the end of the first call that ends after Go installed it.
     */
    public static <T> T preserving(Supplier<T> call) {
        if (LIBC == null) {
            return call.get();
        }
        synchronized (LOCK) {
            if (inFlight++ == 0) {
                saved = GUARDED.stream().map(NativeSignals::current).toList();
            }
        }
        try {
            return call.get();
        } finally {
            synchronized (LOCK) {
                inFlight--;
                for (int i = 0; i < GUARDED.size(); i++) {
                    if (saved.get(i) != null) {
                        LIBC.sigaction(GUARDED.get(i), saved.get(i), null);
                    }
                }
            }
        }
    }

    /** The handler now installed for {@code signal}, as raw {@code struct sigaction} bytes; null if unreadable. */
    static Memory current(int signal) {
        Memory action = new Memory(SIGACTION_BYTES);
        action.clear();
        return LIBC.sigaction(signal, null, action) == 0 ? action : null;
    }

    /** The handler address of {@code signal} (the first field of {@code struct sigaction}): for tests. */
    static long handlerAddress(int signal) {
        Memory action = current(signal);
        return action == null ? 0 : action.getLong(0);
    }

    private static LibC loadLibC() {
        if (Platform.isWindows()) {
            return null;
        }
        try {
            return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }
}
