package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.config.BootstrapConfig;
import java.util.Objects;

/** The {@code traces:} section of the config (read by {@link TracesSection}): which Tempo layout stores the traces. */
public record TracesSettings(TempoLayout tempo) {
    public TracesSettings {
        Objects.requireNonNull(tempo, "tempo");
    }

    /** This run's traces settings (the section {@link TracesSection} read). */
    public static TracesSettings of(BootstrapConfig config) {
        return config.section(TracesSection.KEY, TracesSettings.class);
    }

    public enum TempoLayout {
        /** One Tempo binary (the tempo chart): every role in one pod, one replica. */
        MONOLITHIC("monolithic", "tempo"),
        /** Tempo's microservices (the tempo-distributed chart) on object storage: replicated and scalable. */
        DISTRIBUTED("distributed", "tempo-distributed");

        private final String configName;
        private final String componentId;

        TempoLayout(String configName, String componentId) {
            this.configName = configName;
            this.componentId = componentId;
        }

        /** The value of {@code traces.tempo} (and of the profile setting {@code tempo.layout}). */
        public String configName() {
            return configName;
        }

        /** The catalog id of the layout's chart. */
        public String componentId() {
            return componentId;
        }
    }
}
