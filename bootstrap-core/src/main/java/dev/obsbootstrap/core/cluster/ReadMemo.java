package dev.obsbootstrap.core.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Answers of the API server that one run may use again, instead of asking the same question twice within a moment:
 * a run checks every phase before its first write, then each phase again as it reaches it, and several phases list
 * the same collections (the workloads, Services and ConfigMaps of one namespace). An unchanged {@code up} asked 48
 * questions, 20 of them already asked (28 now).
 *
 * <p>An answer is used again only while it still stands for "now" as well as a fresh read would:
 *
 * <ul>
 *   <li>never after the run wrote something ({@link #forget}, called before and after every write, whether it
 *       succeeded or not), nor after another run may have (the caller forgets when the ledger changed while it
 *       waited for the lock);
 *   <li>never when it is older than {@link #MAX_AGE}: a phase that waited for its workloads or ran its probes for a
 *       while reads the cluster again, so a readiness judged now is judged on what the cluster says now.
 * </ul>
 *
 * What someone else changes within that moment, a fresh read could have missed as well: it is the same race as a
 * change right after the read. A failed read is not remembered (the next asks again), an empty one is.
 */
public final class ReadMemo {
    /** How long an answer stands for "now". */
    public static final Duration MAX_AGE = Duration.ofSeconds(5);

    /**
     * How many reads {@link #readAhead} makes at once: fabric8's HTTP client sends at most five to one host at a time
     * (Config.maxConcurrentRequestsPerHost), and a run's own watches and lease renewals need room beside them.
     */
    static final int READ_AHEAD_THREADS = 4;

    private static final Object ABSENT = new Object();

    private final LongSupplier nanoTime;
    private final Map<String, Answer> answers = new HashMap<>();
    /** How many times everything was forgotten: an answer read across a {@link #forget} is not remembered. */
    private long forgotten;

    private record Answer(Object value, long readAt) {}

    /** What an answer is read with; it may fail, and then nothing is remembered. */
    @FunctionalInterface
    public interface Read<T, E extends Exception> {
        T get() throws E;
    }

    public ReadMemo() {
        this(System::nanoTime);
    }

    /** @param nanoTime the clock answers age by ({@link System#nanoTime} outside tests) */
    public ReadMemo(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The answer to {@code question} read less than {@link #MAX_AGE} ago and not forgotten since, else what
     * {@code read} answers now (remembered, {@code null} included).
     *
     * @param question what is asked, whole: the same text must mean the same request (kind, namespace, selector)
     */
    @SuppressWarnings("unchecked")
    public <T, E extends Exception> T answer(String question, Read<T, E> read) throws E {
        Objects.requireNonNull(question, "question");
        long generation;
        synchronized (this) {
            Answer known = answers.get(question);
            if (known != null && nanoTime.getAsLong() - known.readAt() < MAX_AGE.toNanos()) {
                return known.value() == ABSENT ? null : (T) known.value();
            }
            generation = forgotten;
        }
        long readAt = nanoTime.getAsLong(); // its age counts from before the request: the answer is at least as new
        T value = read.get();
        synchronized (this) {
            if (forgotten == generation) {
                answers.put(question, new Answer(value == null ? ABSENT : value, readAt));
            }
        }
        return value;
    }

    /**
     * Makes {@code reads} (each answering into this memo) at once, on up to {@link #READ_AHEAD_THREADS} threads, and
     * returns when all have answered or failed: the questions a run is about to ask one after another are then
     * answered here, in one round trip's time instead of one per question. A read that fails is not remembered, so
     * the question is asked again where it is needed, and that read reports the failure.
     *
     * @throws InterruptedException when interrupted while waiting (the reads still going are interrupted too)
     */
    public void readAhead(List<? extends Runnable> reads) throws InterruptedException {
        if (reads.isEmpty()) {
            return;
        }
        AtomicInteger made = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(Math.min(READ_AHEAD_THREADS, reads.size()), work -> {
            Thread thread = new Thread(work, "obs-bootstrap-read-ahead-" + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (Runnable read : reads) {
                pending.add(threads.submit(() -> {
                    try {
                        read.run();
                    } catch (RuntimeException failed) {
                        // not remembered: asked again where it is needed, which reports it
                    }
                }));
            }
            for (Future<?> read : pending) {
                try {
                    read.get();
                } catch (ExecutionException e) {
                    // the task catches a read's RuntimeException; an Error (out of memory, a missing class) is not
                    // a failed read to leave to the check, and is not hidden
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Every answer read so far is forgotten: the run is about to write, has written, or someone else may have. */
    public synchronized void forget() {
        answers.clear();
        forgotten++;
    }
}
