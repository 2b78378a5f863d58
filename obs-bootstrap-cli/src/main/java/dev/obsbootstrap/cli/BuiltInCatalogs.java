package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.ProfileCatalog;
import dev.obsbootstrap.core.plan.Tasks;
import java.util.concurrent.FutureTask;

/**
 * The built-in catalogs, the same for every run of this jar: the components and the built-in profiles with the
 * components' profile settings merged in (classpath YAML). Read once per process, and for the commands that render,
 * on another core from {@link Main} while picocli builds the command line: the config load then takes them instead of
 * parsing them on the thread everything else waits for (~0.1 s of a cold JVM's CPU in plan's profile, before its first
 * Helm render could start). Both are immutable, so one read serves every reader.
 */
final class BuiltInCatalogs {
    private static final FutureTask<BuiltInCatalogs> READ = new FutureTask<>(BuiltInCatalogs::read);

    final ComponentCatalog components;
    /** The built-in profiles, with {@link ComponentCatalog#profileSettings} merged in. */
    final ProfileCatalog profiles;

    private BuiltInCatalogs(ComponentCatalog components, ProfileCatalog profiles) {
        this.components = components;
        this.profiles = profiles;
    }

    private static BuiltInCatalogs read() {
        ComponentCatalog components = ComponentCatalog.fromClasspath();
        return new BuiltInCatalogs(components, ProfileCatalog.fromClasspath().withSettingsFrom(components));
    }

    /** Starts reading them on a thread of its own; what it throws is thrown where they are needed ({@link #get}). */
    static void prepareInBackground() {
        Thread thread = new Thread(READ, "catalogs-preparation");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The catalogs: read here when nothing started reading them, else as read on the other thread (waited for), its
     * failure (a ConfigException for a broken jar) thrown here as it was thrown there.
     */
    static BuiltInCatalogs get() {
        READ.run(); // nothing when it already ran or runs on the other thread
        return Tasks.join(READ, "while the built-in catalogs were read");
    }
}
