package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.ProfileCatalog;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The catalogs read once, possibly on Main's other thread, are the ones the config load would have read itself. */
class BuiltInCatalogsTest {
    @Test
    void everyReaderOnAnyThreadGetsTheOneReadWhichHoldsWhatAReadOfItsOwnWould() throws Exception {
        BuiltInCatalogs.prepareInBackground();
        BuiltInCatalogs here = BuiltInCatalogs.get();
        BuiltInCatalogs there =
                CompletableFuture.supplyAsync(BuiltInCatalogs::get).get();

        assertThat(there).isSameAs(here);
        ProfileCatalog own = ProfileCatalog.fromClasspath().withSettingsFrom(here.components);
        assertThat(here.profiles.names()).isEqualTo(own.names()).containsAll(ProfileCatalog.BUILT_IN);
        for (String name : own.names()) {
            // the components' settings merged in, as the config load merges them
            assertThat(here.profiles.profile(name)).usingRecursiveComparison().isEqualTo(own.profile(name));
        }
    }
}
