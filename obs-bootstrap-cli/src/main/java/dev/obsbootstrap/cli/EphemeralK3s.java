package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ChartResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * A throwaway K3s node through Testcontainers' K3s module, for {@code smoke} and {@code up --ephemeral}.
 *
 * <p>A node that must outlive the process ({@code --keep}, {@code up --ephemeral}) is started as a reusable
 * container: Testcontainers then leaves it out of its reaper (Ryuk removes every other container when the JVM ends),
 * which it allows only when reuse is switched on ({@code TESTCONTAINERS_REUSE_ENABLE=true} or
 * {@code testcontainers.reuse.enable=true} in ~/.testcontainers.properties). The same command run again finds the
 * same node. Its kubeconfig is written to {@code $OBS_BOOTSTRAP_CACHE/k3s/<container>/kubeconfig.yaml} (mode 600);
 * a node that goes away with the run gets its kubeconfig in the process's private scratch directory.
 */
final class EphemeralK3s implements AutoCloseable {
    /** The node image when --k3s-image does not say: a K3s release of the Kubernetes minor the plan defaults to. */
    static final String DEFAULT_IMAGE = "rancher/k3s:v1.31.6-k3s1";
    /** K3s imports every image archive found here when it starts (its air-gap install path). */
    private static final String AIRGAP_IMAGES = "/var/lib/rancher/k3s/agent/images/";

    private static final List<String> ARCHIVE_SUFFIXES =
            List.of(".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.bz2", ".tar.lz4");

    private final K3sContainer container;
    private final boolean keep;
    private final Path kubeconfig;

    private EphemeralK3s(K3sContainer container, boolean keep, Path kubeconfig) {
        this.container = container;
        this.keep = keep;
        this.kubeconfig = kubeconfig;
    }

    /** Checks what can be checked before Docker is asked anything: the image name and the archives. */
    static void checkOptions(String image, List<Path> archives) {
        try {
            DockerImageName.parse(image).assertCompatibleWith(DockerImageName.parse("rancher/k3s"));
        } catch (RuntimeException e) {
            throw new ConfigException("--k3s-image " + image + ": not a K3s image (" + e.getMessage()
                    + "); give one like " + DEFAULT_IMAGE);
        }
        for (Path archive : archives) {
            if (!Files.isRegularFile(archive)) {
                throw new ConfigException("--images " + archive
                        + ": no such file; give an image archive (docker save -o images.tar IMAGE...)");
            }
            String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
            if (ARCHIVE_SUFFIXES.stream().noneMatch(name::endsWith)) {
                throw new ConfigException("--images " + archive + ": K3s imports only "
                        + String.join(", ", ARCHIVE_SUFFIXES) + " archives (docker save -o images.tar IMAGE...)");
            }
        }
    }

    /** A node that must outlive the process needs Testcontainers' reuse: checked once a Docker engine is known to be there. */
    static void checkKeepable() {
        if (!TestcontainersConfiguration.getInstance().environmentSupportsReuse()) {
            throw new ConfigException(
                    "keeping the K3s node after the run needs Testcontainers' reuse switched on, or its reaper "
                            + "removes the node when obs-bootstrap exits: export TESTCONTAINERS_REUSE_ENABLE=true (or put "
                            + "testcontainers.reuse.enable=true in ~/.testcontainers.properties) and run again");
        }
    }

    /** Starts (or, when kept, finds again) the node; the image archives are imported by K3s as it starts. */
    static EphemeralK3s start(String image, List<Path> archives, boolean keep, Map<String, String> environment) {
        K3sContainer container = new K3sContainer(DockerImageName.parse(image))
                .withReuse(keep)
                .withLabel("dev.obsbootstrap.node", "k3s");
        for (Path archive : archives) {
            container.withCopyFileToContainer(
                    MountableFile.forHostPath(archive), AIRGAP_IMAGES + archive.getFileName());
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            throw new ClusterException(
                    "the K3s node (" + image + ") did not start: " + e.getMessage()
                            + "; check that the image can be pulled (or preload it with --images) and that Docker may run privileged containers",
                    e);
        }
        try {
            Path kubeconfig = writeKubeconfig(container, keep, environment);
            return new EphemeralK3s(container, keep, kubeconfig);
        } catch (RuntimeException e) {
            if (!keep) {
                container.stop();
            }
            throw e;
        }
    }

    private static Path writeKubeconfig(K3sContainer container, boolean keep, Map<String, String> environment) {
        Path file = keep
                ? ChartResolver.cacheRoot(environment)
                        .resolve("k3s")
                        .resolve(container.getContainerId().substring(0, 12))
                        .resolve("kubeconfig.yaml")
                : dev.obsbootstrap.core.helm.ScratchDir.newFile("k3s-kubeconfig-", ".yaml");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, container.getKubeConfigYaml());
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the user's own cache directory elsewhere
            }
            return file;
        } catch (IOException e) {
            throw new ConfigException("cannot write the K3s node's kubeconfig to " + file + ": " + e.getMessage(), e);
        }
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    String image() {
        return container.getDockerImageName();
    }

    String containerId() {
        return container.getContainerId();
    }

    /** How to reach the node and Grafana afterwards, and how to remove it: printed when the node is kept. */
    String keptInstructions(String namespace, String grafanaService, int grafanaPort) {
        return "the K3s node keeps running (container " + containerId().substring(0, 12) + ", " + image() + ")\n"
                + "  kubeconfig:  " + kubeconfig + "\n"
                + "  kubectl:     kubectl --kubeconfig " + kubeconfig + " -n " + namespace + " get pods\n"
                + "  Grafana:     kubectl --kubeconfig " + kubeconfig + " -n " + namespace + " port-forward svc/"
                + grafanaService
                + " 3000:" + grafanaPort + "   then http://localhost:3000\n"
                + "  login:       kubectl --kubeconfig " + kubeconfig + " -n " + namespace
                + " get secret obs-grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d\n"
                + "  remove it:   docker rm -f " + containerId().substring(0, 12);
    }

    /** Stops and removes the node, unless it is kept. */
    @Override
    public void close() {
        if (!keep) {
            container.stop();
            try {
                // the node's credentials are worthless now, but no copy of a kubeconfig is left behind
                Files.deleteIfExists(kubeconfig);
            } catch (IOException ignored) {
                // the scratch directory goes with the process
            }
        }
    }

    Optional<Path> keptKubeconfig() {
        return keep ? Optional.of(kubeconfig) : Optional.empty();
    }
}
