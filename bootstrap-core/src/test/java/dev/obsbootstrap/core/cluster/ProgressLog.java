package dev.obsbootstrap.core.cluster;

import java.util.List;

/** Test helper: records each distinct ready/total a wait reports (it reports the same count every second too). */
final class ProgressLog {
    private ProgressLog() {}

    static Waiter.Progress into(List<String> progress) {
        return new Waiter.Progress() {
            @Override
            public void update(int ready, int total, List<ResourceRef> pending) {
                String now = ready + "/" + total;
                if (progress.isEmpty() || !progress.get(progress.size() - 1).equals(now)) {
                    progress.add(now);
                }
            }

            @Override
            public void trouble(String message) {}
        };
    }
}
