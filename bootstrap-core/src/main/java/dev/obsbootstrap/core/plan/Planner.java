package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.manifest.ManifestDocument;
import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.manifest.ParsedManifests;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Renders every enabled phase, in plan order, without a cluster: for each component, its values, its chart and
 * what Helm renders from both. The result is a {@link PlanBundle} for {@link StaticChecks} and {@link PlanBundleWriter}.
 *
 * <p>Values are rendered and charts resolved one release after the other, in plan order. Helm's rendering of a
 * release, and the parse of what it rendered, depend on nothing but that release's spec, so they run on up to
 * {@link #defaultParallelism()} threads at once: Helm's {@code template} is client-only (each call loads its own chart
 * and builds its own action and engine), and {@code dev.obsbootstrap.core.helm.NativeSignals} lets calls overlap. One
 * thing is shared: helm-java's {@code runCommand} (manusa/helm-java {@code native/main.go}, v0.0.21) points Go's
 * {@code os.Stdout} and {@code os.Stderr} at pipes of its own for each call and back afterwards, so overlapping calls
 * can swap each other's; {@code template} returns the manifests as its result, not through those streams, and
 * helm-java discards what they captured, so the manifests do not depend on it. The bundle is the same whatever the parallelism
 * (PlannerTest renders the same plan both ways and compares every byte), and a failure is the one the first failing
 * release in plan order gives, as when releases were rendered one by one.
 */
public final class Planner {
    /** Streams shorter than this are parsed by one thread: splitting them saves less than it costs. */
    private static final int SPLIT_ABOVE_CHARS = 1024 * 1024;

    private final HelmDriver helm;
    private final ReleaseRenderer renderer;
    private final Console console;
    private final int parallelism;

    public Planner(HelmDriver helm, ReleaseRenderer renderer, Console console) {
        this(helm, renderer, console, defaultParallelism());
    }

    /** @param parallelism how many releases Helm renders at once (1: one after the other) */
    public Planner(HelmDriver helm, ReleaseRenderer renderer, Console console, int parallelism) {
        this.helm = Objects.requireNonNull(helm, "helm");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.console = Objects.requireNonNull(console, "console");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /**
     * One render per core, at most two: each render in flight holds its chart and its output in Go's heap, and peak
     * memory counts as much as time for plan (issue 13).
     */
    public static int defaultParallelism() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    public PlanBundle plan(
            PhasePlan phases,
            BootstrapConfig config,
            StackTopology topology,
            KubeVersionChoice kube,
            String generator,
            List<StackSecret> secrets) {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, renderThreads());
        try {
            List<PhaseRenders> rendering = new ArrayList<>();
            List<Phase> ordered = phases.ordered();
            try {
                for (int index = 0; index < ordered.size(); index++) {
                    Phase phase = ordered.get(index);
                    PhaseRenders renders = new PhaseRenders(
                            index,
                            phase,
                            phase.enabled(config),
                            new ArrayList<>(),
                            phase.enabled(config) ? replaced(phase, config, topology) : List.of());
                    rendering.add(renders);
                    if (!renders.enabled()) {
                        console.info("%s: disabled", phase.id());
                        continue;
                    }
                    Console phaseConsole = console.forPhase(phase.id());
                    for (String componentId : phase.components(config)) {
                        ReleaseSpec spec = renderer.releaseSpec(
                                phase, topology.component(componentId), config, topology, kube.version());
                        phaseConsole.progress(
                                "rendering %s (%s)",
                                spec.releaseName(), spec.chart().coordinate());
                        renders.releases().add(pool.submit(() -> render(spec, kube.version(), pool)));
                    }
                }
            } catch (RuntimeException valuesOrChart) {
                // a release earlier in plan order that Helm refuses fails the plan first, as it did one by one
                collect(rendering);
                throw valuesOrChart;
            }
            List<PlannedPhase> planned = collect(rendering);
            return new PlanBundle(config.profile().name(), kube.version(), kube.source(), generator, planned, secrets);
        } finally {
            pool.shutdownNow();
            try {
                // what still runs when a render failed: nothing may write into the bundle once plan has failed
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RenderedRelease render(ReleaseSpec spec, String kubeVersion, ExecutorService pool) {
        String manifests = helm.template(spec, kubeVersion);
        return new RenderedRelease(spec, manifests, parse(manifests, pool));
    }

    /**
     * A large stream (the operator's CRDs: 4.5 MB, rendered last because Helm takes longest over it) is parsed by this
     * thread and, once it is free, another render thread, each taking the next document not yet taken: that parse was
     * the longest stretch of plan with a core idle. A busy pool never makes this thread wait: it parses every document
     * no other thread has taken, and waits only for one the other thread is parsing. The documents, their numbers and
     * their order are those of one parse.
     */
    static ParsedManifests parse(String manifests, ExecutorService pool) {
        List<Manifests.DocumentText> texts = Manifests.documentTexts(manifests);
        if (manifests.length() < SPLIT_ABOVE_CHARS || texts.size() < 2) {
            return ParsedManifests.of(Manifests.documents(texts, 1));
        }
        AtomicReferenceArray<ManifestDocument> parsed = new AtomicReferenceArray<>(texts.size());
        AtomicInteger next = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(texts.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable parseUntaken = () -> {
            Manifests.DocumentParser parser = new Manifests.DocumentParser();
            for (int index = next.getAndIncrement(); index < texts.size(); index = next.getAndIncrement()) {
                try {
                    parsed.set(index, parser.parse(texts.get(index), index + 1));
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }
        };
        try {
            pool.execute(parseUntaken); // once started, it takes no document when none is left
        } catch (RejectedExecutionException planFailedElsewhere) {
            // the pool is shut down: this thread parses them all
        }
        parseUntaken.run();
        try {
            finished.await(); // for a document the other thread took and still parses
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while the manifests were parsed");
        }
        if (failure.get() instanceof RuntimeException e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        List<ManifestDocument> documents = new ArrayList<>();
        for (int index = 0; index < texts.size(); index++) {
            documents.add(parsed.get(index));
        }
        return ParsedManifests.of(documents);
    }

    /** Every phase with its releases, in plan order; the first failed render in that order is thrown. */
    private static List<PlannedPhase> collect(List<PhaseRenders> rendering) {
        List<PlannedPhase> planned = new ArrayList<>();
        for (PhaseRenders renders : rendering) {
            List<RenderedRelease> releases = new ArrayList<>();
            for (Future<RenderedRelease> release : renders.releases()) {
                releases.add(Tasks.join(release, "while Helm rendered the releases"));
            }
            Phase phase = renders.phase();
            planned.add(new PlannedPhase(
                    renders.index(), phase.id(), phase.description(), renders.enabled(), releases, renders.replaces()));
        }
        return planned;
    }

    /** The releases of the components the phase installs under its other choices, not under this config. */
    private static List<PlannedPhase.Replaced> replaced(Phase phase, BootstrapConfig config, StackTopology topology) {
        List<PlannedPhase.Replaced> replaced = new ArrayList<>();
        for (String componentId : phase.replacedComponents(config)) {
            ComponentSpec component = topology.component(componentId);
            if (component.mode() == InstallMode.HELM_RELEASE) {
                replaced.add(new PlannedPhase.Replaced(
                        componentId,
                        component.release(),
                        config.charts()
                                .getOrDefault(componentId, component.chart())
                                .coordinate()));
            }
        }
        return replaced;
    }

    private record PhaseRenders(
            int index,
            Phase phase,
            boolean enabled,
            List<Future<RenderedRelease>> releases,
            List<PlannedPhase.Replaced> replaces) {}

    /** Daemon threads: a render still running when the plan has already failed must not keep the JVM alive. */
    private static java.util.concurrent.ThreadFactory renderThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "plan-render-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
