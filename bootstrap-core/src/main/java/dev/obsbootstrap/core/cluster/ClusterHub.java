package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place that knows which cluster a run talks to. It resolves the kubeconfig ({@code --kubeconfig},
 * {@code KUBECONFIG}, {@code ~/.kube/config}, else the pod's service account) and the context lazily, builds the one
 * {@link KubernetesClient} on first use, and closes it once, only if it was built.
 *
 * <p>Before the first client is handed out the API server is asked for its version with a short connect timeout and
 * no retries, so an unreachable cluster fails in seconds with a {@link ClusterException} naming the server (exit 3);
 * a missing or broken kubeconfig or an unknown context is a {@link ConfigException} naming the file or context (exit 2).
 */
public final class ClusterHub implements AutoCloseable {
    /** The context name reported when running inside a pod without a kubeconfig. */
    public static final String IN_CLUSTER_CONTEXT = "in-cluster";

    static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final int VERSION_CONNECT_TIMEOUT_MS = 3_000;
    private static final int VERSION_REQUEST_TIMEOUT_MS = 5_000;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final Path explicitKubeconfig;
    private final String context;
    private final Map<String, String> environment;
    private final Path serviceAccountDir;

    private Resolved resolved;
    private ClusterTarget target;
    private KubernetesClient client;
    private KubernetesClient probeClient;
    private boolean closed;

    private record Resolved(
            String contextName, String serverUrl, String kubeconfigYaml, Config config, String source) {}

    ClusterHub(Path explicitKubeconfig, String context, Map<String, String> environment, Path serviceAccountDir) {
        this.explicitKubeconfig = explicitKubeconfig;
        this.context = Objects.requireNonNull(context, "context");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.serviceAccountDir = Objects.requireNonNull(serviceAccountDir, "serviceAccountDir");
    }

    /**
     * A hub for {@code --kubeconfig FILE}.
     *
     * @param context     the context to use; "" for the kubeconfig's current context
     * @param environment the process environment (HOME, KUBECONFIG, ...), {@code System.getenv()} in the CLI
     */
    public static ClusterHub forKubeconfig(Path kubeconfig, String context, Map<String, String> environment) {
        return new ClusterHub(
                Objects.requireNonNull(kubeconfig, "kubeconfig"), context, environment, SERVICE_ACCOUNT_DIR);
    }

    /**
     * A hub that finds the kubeconfig as kubectl does: {@code KUBECONFIG} (path list), then {@code ~/.kube/config},
     * then the service account of the pod it runs in.
     *
     * @param context "" for the current context
     */
    public static ClusterHub discover(String context, Map<String, String> environment) {
        return new ClusterHub(null, context, environment, SERVICE_ACCOUNT_DIR);
    }

    /**
     * A kubeconfig of no real cluster, for {@link #prepareInBackground()}: the same model and code paths as a user's,
     * and nothing read from the machine.
     */
    private static final String PREPARATION_KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: preparation
              cluster:
                server: https://127.0.0.1:1
            users:
            - name: preparation
              user:
                token: none
            contexts:
            - name: preparation
              context:
                cluster: preparation
                user: preparation
                namespace: default
            current-context: preparation
            """;

    /**
     * Starts, on a thread of its own, what the first cluster call of a JVM pays once whatever the cluster: Jackson's
     * readers for the kubeconfig model (fabric8 parses a kubeconfig with the readers of every resource kind; about
     * half a second on a cold JVM, measured with JFR on an unchanged up), the HTTP client and its TLS set-up. The
     * CLI calls it first thing for commands that go on to reach a cluster, so that this runs on the second core while
     * the first reads the command line and the config. It reads no file, sends no request and prints nothing; a
     * failure here changes nothing, the real calls do the same work themselves.
     */
    public static void prepareInBackground() {
        headStart("obs-bootstrap-client-preparation", () -> {
            Serialization.unmarshal(PREPARATION_KUBECONFIG, io.fabric8.kubernetes.api.model.Config.class);
            Config config = Config.fromKubeconfig(PREPARATION_KUBECONFIG);
            new KubernetesClientBuilder().withConfig(config).build().close();
        });
    }

    /** The context that will be used, from the kubeconfig alone (no network). */
    public synchronized String contextName() {
        return resolve().contextName();
    }

    /** The API server URL, from the kubeconfig alone (no network). */
    public synchronized String serverUrl() {
        return resolve().serverUrl();
    }

    /**
     * Context, server and Kubernetes version, for printing before changing anything. Asks the API server (once),
     * failing fast when it cannot be reached.
     */
    public synchronized ClusterTarget target() {
        ensureOpen();
        if (target == null) {
            Resolved r = resolve();
            target = new ClusterTarget(r.contextName(), r.serverUrl(), fetchVersion(r));
        }
        return target;
    }

    /** The client, built on first use after the API server answered {@link #target()}. */
    public synchronized KubernetesClient client() {
        ensureOpen();
        if (client == null) {
            target();
            client = new KubernetesClientBuilder()
                    .withConfig(new ConfigBuilder(resolve().config())
                            .withConnectionTimeout(CONNECT_TIMEOUT_MS)
                            .withRequestRetryBackoffLimit(3)
                            .withRequestRetryBackoffInterval(500)
                            .build())
                    .build();
            buildWorkloadReadersInBackground(client);
        }
        return client;
    }

    /**
     * Readers built ahead, on a thread of their own, from empty input (no request is sent): Jackson builds the reader
     * of a typed object the first time one is read, for its whole type graph. Every command that reads the cluster
     * lists workloads and other objects generically before it judges readiness ({@link StatusReads}); the full
     * workload model, which watches and pod checks read, is prepared only when a run installs something
     * ({@link Waiter#prepareFullReaders}). A failure here changes nothing: the first real read builds the reader as it
     * would have.
     */
    private static void buildWorkloadReadersInBackground(KubernetesClient client) {
        headStart("obs-bootstrap-readers", () -> {
            client.getKubernetesSerialization()
                    .unmarshal("{\"items\":[]}", io.fabric8.kubernetes.api.model.GenericKubernetesResourceList.class);
            StatusReads.prepare();
        });
    }

    /**
     * Work done ahead on a daemon thread of its own so that the real calls find it done. A failure there changes
     * nothing: the real call does the same work itself and reports its own failure.
     */
    static void headStart(String name, Runnable work) {
        Thread thread = new Thread(
                () -> {
                    try {
                        work.run();
                    } catch (RuntimeException | LinkageError e) {
                        // only a head start
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A client for probe traffic (service proxy, port-forward) with request retries off: fabric8 would otherwise
     * retry a 503 "no endpoints available" for ~19 s before a probe sees it; the probe's own polling decides.
     */
    public synchronized KubernetesClient probeClient() {
        ensureOpen();
        if (probeClient == null) {
            target();
            probeClient = new KubernetesClientBuilder()
                    .withConfig(new ConfigBuilder(resolve().config())
                            .withConnectionTimeout(CONNECT_TIMEOUT_MS)
                            .withRequestRetryBackoffLimit(0)
                            .build())
                    .build();
        }
        return probeClient;
    }

    /**
     * The effective kubeconfig as YAML, for helm-java: only the selected context, its cluster and its user, with that
     * context current and relative file paths made absolute. Inside a pod it is built from the service account.
     * It can hold credentials: pass it to Helm, never print or store it.
     */
    public synchronized String kubeconfigContents() {
        return resolve().kubeconfigYaml();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (probeClient != null) {
            probeClient.close();
        }
        if (client != null) {
            client.close();
        }
    }

    // ---- resolution --------------------------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the cluster hub is closed");
        }
    }

    private Resolved resolve() {
        if (resolved == null) {
            List<Path> files = kubeconfigFiles();
            resolved = files.isEmpty() ? inCluster() : fromKubeconfigs(files);
        }
        return resolved;
    }

    private List<Path> kubeconfigFiles() {
        if (explicitKubeconfig != null) {
            if (!Files.isRegularFile(explicitKubeconfig)) {
                throw new ConfigException(
                        "kubeconfig " + explicitKubeconfig + " does not exist or is not a file (--kubeconfig)");
            }
            return List.of(explicitKubeconfig);
        }
        String kubeconfigVariable = environment.getOrDefault("KUBECONFIG", "");
        if (!kubeconfigVariable.isBlank()) {
            List<Path> existing = new ArrayList<>();
            for (String entry : kubeconfigVariable.split(File.pathSeparator)) {
                if (!entry.isBlank() && Files.isRegularFile(Path.of(entry))) {
                    existing.add(Path.of(entry));
                }
            }
            if (existing.isEmpty()) {
                throw new ConfigException("KUBECONFIG is set to " + kubeconfigVariable + ", but no such file exists: "
                        + "fix the variable or pass --kubeconfig FILE");
            }
            return existing;
        }
        Path home = Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")));
        Path defaultConfig = home.resolve(".kube").resolve("config");
        return Files.isRegularFile(defaultConfig) ? List.of(defaultConfig) : List.of();
    }

    /** kubectl's merge rule: the first file that defines a context, cluster or user wins. */
    private Resolved fromKubeconfigs(List<Path> files) {
        Map<String, Origin<NamedContext>> contexts = new LinkedHashMap<>();
        Map<String, Origin<NamedCluster>> clusters = new LinkedHashMap<>();
        Map<String, Origin<NamedAuthInfo>> users = new LinkedHashMap<>();
        String currentContext = "";
        for (Path file : files) {
            io.fabric8.kubernetes.api.model.Config kubeconfig = parse(file);
            if (currentContext.isEmpty() && kubeconfig.getCurrentContext() != null) {
                currentContext = kubeconfig.getCurrentContext();
            }
            collect(kubeconfig.getContexts(), NamedContext::getName, file, contexts);
            collect(kubeconfig.getClusters(), NamedCluster::getName, file, clusters);
            collect(kubeconfig.getUsers(), NamedAuthInfo::getName, file, users);
        }
        String source = files.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        String contextName = context.isEmpty() ? currentContext : context;
        String known = contexts.isEmpty() ? "it defines none" : "contexts: " + String.join(", ", contexts.keySet());
        if (contextName.isEmpty()) {
            throw new ConfigException(
                    "kubeconfig " + source + " has no current-context: pass --context NAME (" + known + ")");
        }
        Origin<NamedContext> namedContext = contexts.get(contextName);
        if (namedContext == null || namedContext.value().getContext() == null) {
            throw new ConfigException(
                    "context '" + contextName + "' is not defined in kubeconfig " + source + " (" + known + ")");
        }
        String clusterName = namedContext.value().getContext().getCluster();
        Origin<NamedCluster> namedCluster = clusterName == null ? null : clusters.get(clusterName);
        if (namedCluster == null || namedCluster.value().getCluster() == null) {
            throw new ConfigException("context '" + contextName + "' in kubeconfig " + namedContext.file()
                    + " refers to cluster '" + clusterName + "', which is not defined there");
        }
        String serverUrl = namedCluster.value().getCluster().getServer();
        if (serverUrl == null || serverUrl.isBlank()) {
            throw new ConfigException(
                    "cluster '" + clusterName + "' in kubeconfig " + namedCluster.file() + " has no server URL");
        }
        String userName = namedContext.value().getContext().getUser();
        Origin<NamedAuthInfo> namedUser = userName == null || userName.isEmpty() ? null : users.get(userName);
        if (userName != null && !userName.isEmpty() && namedUser == null) {
            throw new ConfigException("context '" + contextName + "' in kubeconfig " + namedContext.file()
                    + " refers to user '" + userName + "', which is not defined there");
        }

        io.fabric8.kubernetes.api.model.Config effective = new io.fabric8.kubernetes.api.model.Config();
        effective.setApiVersion("v1");
        effective.setKind("Config");
        effective.setCurrentContext(contextName);
        effective.setContexts(List.of(namedContext.value()));
        effective.setClusters(List.of(absoluteCluster(namedCluster)));
        effective.setUsers(namedUser == null ? List.of() : List.of(absoluteUser(namedUser)));
        String yaml = Serialization.asYaml(effective);
        Config config;
        try {
            config = Config.fromKubeconfig(yaml);
        } catch (KubernetesClientException e) {
            throw new ConfigException(
                    "cannot use context '" + contextName + "' of kubeconfig " + source + ": " + e.getMessage(), e);
        }
        return new Resolved(contextName, serverUrl, yaml, config, source);
    }

    private Resolved inCluster() {
        String host = environment.getOrDefault("KUBERNETES_SERVICE_HOST", "");
        String port = environment.getOrDefault("KUBERNETES_SERVICE_PORT", "");
        Path token = serviceAccountDir.resolve("token");
        if (host.isEmpty() || port.isEmpty() || !Files.isRegularFile(token)) {
            throw new ConfigException(
                    "no kubeconfig found: pass --kubeconfig FILE, set KUBECONFIG or create ~/.kube/config "
                            + "(inside a pod obs-bootstrap uses its service account instead)");
        }
        if (!context.isEmpty() && !context.equals(IN_CLUSTER_CONTEXT)) {
            throw new ConfigException(
                    "context '" + context + "' was asked for, but there is no kubeconfig, only the pod's "
                            + "service account: pass --kubeconfig FILE");
        }
        String serverUrl = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        Path ca = serviceAccountDir.resolve("ca.crt");
        String namespace = readOr(serviceAccountDir.resolve("namespace"), "default");
        String yaml =
                """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                    certificate-authority: %3$s
                users:
                - name: %1$s
                  user:
                    tokenFile: %4$s
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: %5$s
                current-context: %1$s
                """.formatted(IN_CLUSTER_CONTEXT, serverUrl, ca.toAbsolutePath(), token.toAbsolutePath(), namespace);
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(serverUrl)
                .withCaCertFile(ca.toAbsolutePath().toString())
                .withNamespace(namespace)
                // read per request: projected service account tokens rotate
                .withOauthTokenProvider(() -> readOr(token, ""))
                .build();
        return new Resolved(IN_CLUSTER_CONTEXT, serverUrl, yaml, config, "the pod's service account");
    }

    private static io.fabric8.kubernetes.api.model.Config parse(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            io.fabric8.kubernetes.api.model.Config kubeconfig =
                    Serialization.unmarshal(text, io.fabric8.kubernetes.api.model.Config.class);
            if (kubeconfig == null) {
                throw new ConfigException("kubeconfig " + file + " is empty");
            }
            return kubeconfig;
        } catch (IOException e) {
            throw new ConfigException("cannot read kubeconfig " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ConfigException config) {
                throw config;
            }
            throw new ConfigException(
                    "kubeconfig " + file + " is not a valid kubeconfig: " + firstLine(e.getMessage()), e);
        }
    }

    private record Origin<T>(T value, Path file) {}

    private static <T> void collect(List<T> entries, Function<T, String> name, Path file, Map<String, Origin<T>> into) {
        if (entries != null) {
            entries.forEach(entry -> into.putIfAbsent(name.apply(entry), new Origin<>(entry, file)));
        }
    }

    private static NamedCluster absoluteCluster(Origin<NamedCluster> origin) {
        NamedCluster copy = Serialization.clone(origin.value());
        Cluster cluster = copy.getCluster();
        cluster.setCertificateAuthority(absolute(origin.file(), cluster.getCertificateAuthority()));
        return copy;
    }

    private static NamedAuthInfo absoluteUser(Origin<NamedAuthInfo> origin) {
        NamedAuthInfo copy = Serialization.clone(origin.value());
        AuthInfo user = copy.getUser();
        if (user != null) {
            user.setClientCertificate(absolute(origin.file(), user.getClientCertificate()));
            user.setClientKey(absolute(origin.file(), user.getClientKey()));
            user.setTokenFile(absolute(origin.file(), user.getTokenFile()));
            if (user.getExec() != null
                    && user.getExec().getCommand() != null
                    && user.getExec().getCommand().contains("/")) {
                user.getExec().setCommand(absolute(origin.file(), user.getExec().getCommand()));
            }
        }
        return copy;
    }

    /** kubectl resolves paths in a kubeconfig against the directory of the file that holds them. */
    private static String absolute(Path kubeconfig, String path) {
        if (path == null || path.isEmpty() || Path.of(path).isAbsolute()) {
            return path;
        }
        Path dir = kubeconfig.toAbsolutePath().getParent();
        return dir.resolve(path).normalize().toString();
    }

    // ---- reachability ------------------------------------------------------------------------------------------

    /** GET /version with a short connect timeout and no retries: seconds, not minutes, when nothing answers. */
    private String fetchVersion(Resolved r) {
        Config fast = new ConfigBuilder(r.config())
                .withConnectionTimeout(VERSION_CONNECT_TIMEOUT_MS)
                .withRequestTimeout(VERSION_REQUEST_TIMEOUT_MS)
                .withRequestRetryBackoffLimit(0)
                .build();
        long started = System.nanoTime();
        try (KubernetesClient versionClient =
                new KubernetesClientBuilder().withConfig(fast).build()) {
            VersionInfo version = versionClient.getKubernetesVersion();
            if (version == null || (isBlank(version.getGitVersion()) && isBlank(version.getMajor()))) {
                throw notKubernetes(r, "GET /version gave no Kubernetes version");
            }
            if (!isBlank(version.getGitVersion())) {
                return version.getGitVersion();
            }
            return "v" + version.getMajor() + "." + version.getMinor();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || (e.getCode() >= 200 && e.getCode() < 300)) {
                throw notKubernetes(r, "GET /version answered HTTP " + e.getCode());
            }
            throw unreachable(r, e, java.time.Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            if (e instanceof ClusterException cluster) {
                throw cluster;
            }
            // an answer fabric8 cannot read as a version: HTML, a proxy's error page
            throw notKubernetes(
                    r,
                    "its answer to GET /version is not a Kubernetes version ("
                            + firstLine(String.valueOf(e.getMessage())) + ")");
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private ClusterException notKubernetes(Resolved r, String what) {
        return new ClusterException(
                "the server at " + r.serverUrl() + " (context '" + r.contextName() + "' from " + r.source()
                        + ") answers, but is not a Kubernetes API server: " + what
                        + ". Check the server URL of the cluster in the "
                        + "kubeconfig (a proxy, a load balancer or a wrong port answers like this)");
    }

    private ClusterException unreachable(Resolved r, KubernetesClientException e, java.time.Duration took) {
        String where = "the Kubernetes API server at " + r.serverUrl() + " (context '" + r.contextName() + "' from "
                + r.source() + ")";
        if (e.getCode() == 401) {
            return new ClusterException(
                    where + " rejected the credentials (401 Unauthorized): log in again or refresh the "
                            + "token of this context",
                    e);
        }
        if (e.getCode() == 403) {
            return new ClusterException(
                    where + " refused to tell its version (403 Forbidden): check the RBAC of the user of "
                            + "this context",
                    e);
        }
        String cause = rootCauseMessage(e, took);
        return new ClusterException(
                "cannot reach " + where + ": " + cause + ". Check that the cluster is running and reachable "
                        + "from here (VPN, proxy, firewall) and that --kubeconfig/--context select the cluster you mean.",
                e);
    }

    private static String rootCauseMessage(Throwable e, java.time.Duration took) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            if (cause instanceof ConnectException
                    || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException) {
                // OkHttp wraps the socket's ConnectException ("Connection refused") in one of its own ("Failed to
                // connect to /host:port"): the innermost says why
                Throwable socket = cause;
                while (socket.getCause() instanceof java.net.SocketException
                        || socket.getCause() instanceof UnknownHostException) {
                    socket = socket.getCause();
                }
                return (cause instanceof UnknownHostException ? "unknown host " : "") + firstLine(socket.getMessage());
            }
            if (cause instanceof javax.net.ssl.SSLException) {
                return "TLS failed (" + firstLine(cause.getMessage())
                        + "; check the certificate-authority of the cluster in the kubeconfig)";
            }
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                return "no answer within " + Math.max(1, Math.round(took.toMillis() / 1000.0)) + "s";
            }
        }
        return firstLine(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String readOr(Path file, String fallback) {
        try {
            return Files.isRegularFile(file)
                    ? Files.readString(file, StandardCharsets.UTF_8).trim()
                    : fallback;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
