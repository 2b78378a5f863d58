package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where plan writes a new bundle: a directory of its own beside {@code --out}, moved into place only once the bundle
 * is complete (checked, with its digests), so a plan that stops half way (a check that cannot run, a full disk, an
 * interrupt) leaves the earlier bundle in {@code --out} as it was, and {@code up --bundle} never meets a bundle
 * without {@code digests.sha256}.
 *
 * <p>The move is two renames: the earlier bundle aside, the new one in its place; then the earlier one is deleted.
 * Where {@code --out} cannot be renamed (a mount point, as in a container) or its parent cannot be written, the new
 * bundle is staged inside {@code --out} instead and its entries are renamed into place one by one once it is
 * complete. Either way the stage holds only what the bundle holds, and the static checks refuse any secret in the
 * bundle; a stage left by a killed plan is removed by the next plan into the same directory.
 *
 * <p>Entries of an earlier bundle that are not the plan's own (a reviewer's notes) are kept, as when plan replaced a
 * bundle in place: {@link #adoptKept()} moves them into the stage before the digests are written, and an unfinished
 * stage gives them back.
 */
public final class BundleStage implements AutoCloseable {
    private static final String STAGE_PREFIX = ".obs-bootstrap-plan-";
    private static final String EARLIER = ".earlier";

    private final Path out;
    private final Path stage;
    private final boolean beside;
    private final List<Path> kept;
    private final List<Path> adopted = new ArrayList<>();
    private boolean committed;

    private BundleStage(Path out, Path stage, boolean beside, List<Path> kept) {
        this.out = out;
        this.stage = stage;
        this.beside = beside;
        this.kept = kept;
    }

    /**
     * Checks that {@code out} may receive a bundle (absent, empty or an earlier bundle) and makes the stage.
     *
     * @throws ConfigException when {@code out} is a file or holds something else, or no stage can be made
     */
    public static BundleStage open(Path out) {
        try {
            Path target = Files.isSymbolicLink(out) && Files.isDirectory(out) ? out.toRealPath() : out.toAbsolutePath();
            Path parent = target.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
                removeDeadStages(parent, stageName(target), target);
            }
            if (Files.isDirectory(target)) {
                removeDeadStages(target, STAGE_PREFIX, target);
            }
            List<Path> kept = PlanBundleWriter.keptEntries(target);
            // beside --out, on the same file system, so that both moves are renames; not beside a mount point
            if (parent != null
                    && (!Files.exists(target) || Files.getFileStore(target).equals(Files.getFileStore(parent)))) {
                Optional<Path> beside = create(parent.resolve(
                        stageName(target) + ProcessHandle.current().pid()));
                if (beside.isPresent()) {
                    return new BundleStage(target, beside.get(), true, kept);
                }
            }
            Files.createDirectories(target);
            Path inside = create(target.resolve(
                            STAGE_PREFIX + ProcessHandle.current().pid()))
                    .orElseThrow(() -> new AccessDeniedException(target.toString()));
            return new BundleStage(target, inside, false, kept);
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigException("cannot prepare --out " + out + ": " + e.getMessage(), e);
        }
    }

    /** Where the new bundle is written. */
    public Path directory() {
        return stage;
    }

    /** The directory the bundle ends up in. */
    public Path target() {
        return out;
    }

    /** Moves the earlier bundle's entries that are not the plan's own into the stage, so the digests cover them. */
    public void adoptKept() {
        try {
            for (Path entry : kept) {
                Path moved = stage.resolve(entry.getFileName().toString());
                Files.move(entry, moved);
                adopted.add(moved);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot keep " + out + "'s other files in the new bundle: " + e.getMessage(), e);
        }
    }

    /** Puts the complete bundle in place of the earlier one. */
    public void commit() {
        try {
            if (beside && swap()) {
                committed = true;
                return;
            }
            Files.createDirectories(out);
            try (Stream<Path> list = Files.list(out)) {
                for (Path entry : list.filter(entry -> !entry.equals(stage)).toList()) {
                    deleteTree(entry);
                }
            }
            try (Stream<Path> list = Files.list(stage)) {
                for (Path entry : list.toList()) {
                    Files.move(entry, out.resolve(entry.getFileName().toString()));
                }
            }
            committed = true;
            deleteTree(stage);
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigException("cannot move the new bundle into " + out + ": " + e.getMessage(), e);
        }
    }

    /** Renames the earlier bundle aside and the stage into its place; false when the directory cannot be renamed. */
    private boolean swap() throws IOException {
        if (!Files.exists(out)) {
            Files.move(stage, out, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
        Path aside = out.resolveSibling(stageName(out) + ProcessHandle.current().pid() + EARLIER);
        try {
            Files.setPosixFilePermissions(stage, Files.getPosixFilePermissions(out));
        } catch (UnsupportedOperationException notPosix) {
            // the default permissions of a new directory, as the earlier bundle had
        }
        try {
            Files.move(out, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException mountPointOrNoRights) {
            return false;
        }
        try {
            Files.move(stage, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(aside, out, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        deleteTree(aside);
        return true;
    }

    /** An unfinished stage is deleted, and the entries it adopted go back to the earlier bundle. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            for (Path moved : adopted) {
                Files.move(moved, out.resolve(moved.getFileName().toString()));
            }
            deleteTree(stage);
        } catch (IOException | UncheckedIOException leftForTheNextPlan) {
            // what could not be given back stays in the stage; deleting it would delete the user's files
        }
    }

    private static String stageName(Path target) {
        return STAGE_PREFIX + target.getFileName() + "-";
    }

    private static Optional<Path> create(Path stage) throws IOException {
        deleteTree(stage); // left by an earlier process with the same pid
        try {
            return Optional.of(Files.createDirectory(stage));
        } catch (AccessDeniedException readOnly) {
            return Optional.empty();
        }
    }

    /**
     * Stages of plans that were killed (their pid no longer runs; a killed JVM deletes nothing). An earlier bundle a
     * killed plan had just renamed aside goes back to {@code target} when nothing took its place.
     */
    private static void removeDeadStages(Path directory, String prefix, Path target) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            for (Path entry : list.toList()) {
                String name = entry.getFileName().toString();
                boolean earlier = name.endsWith(EARLIER);
                String pid = name.startsWith(prefix)
                        ? name.substring(prefix.length(), name.length() - (earlier ? EARLIER.length() : 0))
                        : "";
                if (!pid.matches("\\d+")
                        || ProcessHandle.of(Long.parseLong(pid))
                                .map(ProcessHandle::isAlive)
                                .orElse(false)) {
                    continue;
                }
                if (earlier && !Files.exists(target)) {
                    Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    deleteTree(entry);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
