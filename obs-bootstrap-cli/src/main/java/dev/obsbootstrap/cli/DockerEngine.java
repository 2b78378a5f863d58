package dev.obsbootstrap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine (or Podman's Docker API) is there for Testcontainers, and where it was looked for. The
 * places Testcontainers' own strategies try are checked first without connecting anywhere, so a machine without any
 * engine gets its answer at once; only when one of them exists is Testcontainers asked to connect.
 */
final class DockerEngine {
    /** What was found: the engine Testcontainers connected to, or why not, with every place looked at. */
    record Lookup(boolean available, String engine, List<String> lookedAt, String failure) {
        Lookup {
            lookedAt = List.copyOf(lookedAt);
        }

        /** One line for messages: "DOCKER_HOST (unset), /var/run/docker.sock (absent), ...". */
        String describeLookedAt() {
            return String.join(", ", lookedAt);
        }
    }

    private DockerEngine() {}

    static Lookup find(Map<String, String> environment) {
        List<String> lookedAt = new ArrayList<>();
        boolean candidate = false;
        String dockerHost = environment.getOrDefault("DOCKER_HOST", "");
        lookedAt.add("DOCKER_HOST (" + (dockerHost.isEmpty() ? "unset" : dockerHost) + ")");
        candidate |= !dockerHost.isEmpty();
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        Optional<String> propertiesHost =
                testcontainersProperty(Path.of(home, ".testcontainers.properties"), "docker.host");
        lookedAt.add("docker.host in ~/.testcontainers.properties (" + propertiesHost.orElse("unset") + ")");
        candidate |= propertiesHost.isPresent();
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock")));
        String runtimeDir = environment.getOrDefault("XDG_RUNTIME_DIR", "");
        if (!runtimeDir.isEmpty()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
            sockets.add(Path.of(runtimeDir, "podman", "podman.sock"));
        }
        sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
        sockets.add(Path.of(home, ".docker", "desktop", "docker.sock"));
        sockets.add(Path.of(home, ".colima", "default", "docker.sock"));
        for (Path socket : sockets) {
            boolean present = Files.exists(socket);
            lookedAt.add(socket + (present ? " (present)" : " (absent)"));
            candidate |= present;
        }
        if (!candidate) {
            return new Lookup(false, "", lookedAt, "none of these exists");
        }
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return new Lookup(
                        true,
                        DockerClientFactory.instance()
                                .getTransportConfig()
                                .getDockerHost()
                                .toString(),
                        lookedAt,
                        "");
            }
            return new Lookup(false, "", lookedAt, "Testcontainers could not connect to any of them");
        } catch (RuntimeException | LinkageError e) {
            return new Lookup(false, "", lookedAt, "Testcontainers could not connect: " + e.getMessage());
        }
    }

    /** The message for a command that needs an engine and has none: what was looked for, and what to do instead. */
    static String missing(String command, Lookup lookup) {
        return command + " needs a Docker engine to start its throwaway K3s node, and there is none: looked at "
                + lookup.describeLookedAt() + " (" + lookup.failure()
                + "). Alternatives: start Docker or Podman (or set DOCKER_HOST), "
                + "run against a cluster you have (`obs-bootstrap up`, `obs-bootstrap validate --path cluster`), or check without any "
                + "cluster (`obs-bootstrap validate --path static`, `obs-bootstrap plan --out DIR`)";
    }

    private static Optional<String> testcontainersProperty(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(properties.getProperty(key)).filter(value -> !value.isBlank());
    }
}
