package dev.obsbootstrap.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the cluster is: --kubeconfig, --context, --namespace, --timeout. */
public final class ClusterMixin {
    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).")
    Path kubeconfig;

    @Option(
            names = {"--context", "--kube-context"},
            paramLabel = "NAME",
            description = "Kube context (default: the config's cluster.context, else the current context).")
    String context;

    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NS",
            description = "Stack namespace (overrides cluster.namespace).")
    String namespace;

    @Option(
            names = "--stack",
            paramLabel = "NAME",
            description =
                    "Stack name (overrides cluster.stack, default obs): releases and the cluster-scoped names the charts "
                            + "derive from them start with it, so stacks in two namespaces of one cluster never collide.")
    String stack;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "For up: how long each phase's install and readiness may take; for verify: the longest any probe keeps trying. Like 10m or 90s (default: the profile's).")
    Duration timeout;

    public Optional<Path> kubeconfig() {
        return Optional.ofNullable(kubeconfig);
    }

    public Optional<String> context() {
        return Optional.ofNullable(context);
    }

    public Optional<String> stack() {
        return Optional.ofNullable(stack);
    }

    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** --timeout is checked while parsing, before anything connects anywhere. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return dev.obsbootstrap.core.config.Durations.parse(value);
            } catch (dev.obsbootstrap.core.error.ConfigException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
