package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.BootstrapConfig;
import java.util.Objects;

/** The {@code logs:} section of the config (read by {@link LogsSection}): which collector ships pod logs, and Loki multi-tenancy. */
public record LogsSettings(LogCollector collector, boolean authEnabled, String tenant) {
    public LogsSettings {
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(tenant, "tenant");
    }

    /** This run's logs settings (the section {@link LogsSection} read). */
    public static LogsSettings of(BootstrapConfig config) {
        return config.section(LogsSection.KEY, LogsSettings.class);
    }

    public enum LogCollector {
        ALLOY("alloy"),
        /** Legacy: Promtail is EOL since 2026-03-02. */
        PROMTAIL("promtail");

        private final String componentId;

        LogCollector(String componentId) {
            this.componentId = componentId;
        }

        /** The catalog id of the collector's chart. */
        public String componentId() {
            return componentId;
        }
    }
}
