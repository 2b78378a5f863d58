package dev.obsbootstrap.alerting;

/** Hints the alerting probes share. */
final class AlertingHints {
    private AlertingHints() {}

    static String unreachable() {
        return "Alertmanager is not reachable at endpoint 'alertmanager': is the pod of the alertmanager release (phase alerting) running and Ready?";
    }
}
