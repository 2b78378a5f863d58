package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.error.ClusterException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The ledger as the ConfigMap {@value #NAME} in the stack namespace: one key per phase ({@code phase.<id>}) and
 * {@code last-run}, each a small YAML document, so {@code kubectl get cm obs-bootstrap-state -o yaml} reads well.
 */
public final class ConfigMapLedgerStore implements LedgerStore {
    public static final String NAME = "obs-bootstrap-state";
    private static final String PHASE_PREFIX = "phase.";
    private static final String LAST_RUN = "last-run";

    private final KubernetesClient client;
    private final String namespace;
    /**
     * The ConfigMap as this store last read or wrote it (with its resourceVersion), so that the next write is one
     * PUT instead of a GET of the namespace, a GET and a PUT: a run writes the ledger after every phase.
     */
    private ConfigMap known;
    /** The YAML of the entries of the last state written, by identity ({@link #encodeRemembering}). */
    private Map<LedgerEntry, String> encodedEntries = new IdentityHashMap<>();

    private boolean namespaceExists;

    public ConfigMapLedgerStore(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    @Override
    public LedgerState read() {
        ConfigMap configMap;
        try {
            configMap =
                    client.configMaps().inNamespace(namespace).withName(NAME).get();
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read the ledger ConfigMap " + namespace + "/" + NAME + ": " + e.getMessage()
                            + " (check that your user may get configmaps in " + namespace + ")",
                    e);
        }
        known = configMap;
        namespaceExists = namespaceExists || configMap != null;
        if (configMap == null || configMap.getData() == null) {
            return LedgerState.empty();
        }
        return decode(configMap.getData());
    }

    @Override
    public void write(LedgerState state) {
        ConfigMap configMap = new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "obs-bootstrap")
                .endMetadata()
                .withData(encodeRemembering(state))
                .build();
        try {
            if (!namespaceExists) {
                if (client.namespaces().withName(namespace).get() == null) {
                    client.namespaces()
                            .resource(new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(namespace)
                                    .endMetadata()
                                    .build())
                            .create();
                }
                namespaceExists = true;
            }
            ConfigMap base = known != null
                    ? known
                    : client.configMaps().inNamespace(namespace).withName(NAME).get();
            try {
                known = base == null ? create(configMap) : replaceData(base, configMap);
            } catch (KubernetesClientException stale) {
                if (stale.getCode() != 404 && stale.getCode() != 409) {
                    throw stale;
                }
                // changed or deleted since this store saw it (another run, a person): write over what is there now
                ConfigMap current = client.configMaps()
                        .inNamespace(namespace)
                        .withName(NAME)
                        .get();
                known = current == null ? create(configMap) : replaceData(current, configMap);
            }
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot write the ledger ConfigMap " + namespace + "/" + NAME + ": " + e.getMessage()
                            + " (check that your user may create and update configmaps in " + namespace + ")",
                    e);
        }
    }

    private ConfigMap create(ConfigMap configMap) {
        return client.configMaps().inNamespace(namespace).resource(configMap).create();
    }

    /** The data replaced wholesale: a merge would keep keys of phases the ledger has dropped. */
    private ConfigMap replaceData(ConfigMap existing, ConfigMap wanted) {
        ConfigMap next =
                new ConfigMapBuilder(existing).withData(wanted.getData()).build();
        return client.configMaps().inNamespace(namespace).resource(next).update();
    }

    /**
     * An entry's YAML, dumped once per entry: a run writes the ledger after every phase, and each write changes one
     * entry (the others are the same objects), so the rest are not dumped again. Only the current state's are kept.
     */
    private synchronized Map<String, String> encodeRemembering(LedgerState state) {
        Map<LedgerEntry, String> before = encodedEntries;
        Map<LedgerEntry, String> now = new IdentityHashMap<>();
        Map<String, String> data = encode(
                state,
                entry -> now.computeIfAbsent(entry, e -> {
                    String earlier = before.get(e);
                    return earlier != null ? earlier : encode(e);
                }));
        encodedEntries = now;
        return data;
    }

    static Map<String, String> encode(LedgerState state) {
        return encode(state, ConfigMapLedgerStore::encode);
    }

    private static Map<String, String> encode(
            LedgerState state, java.util.function.Function<LedgerEntry, String> entries) {
        Map<String, String> data = new TreeMap<>();
        for (LedgerEntry entry : state.phases().values()) {
            data.put(PHASE_PREFIX + entry.phaseId(), entries.apply(entry));
        }
        return withLastRun(state, data);
    }

    private static String encode(LedgerEntry entry) {
        Yaml yaml = yaml();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("configHash", entry.configHash());
        doc.put("charts", new TreeMap<>(entry.charts()));
        doc.put("revisions", new TreeMap<>(entry.revisions()));
        doc.put("verdict", entry.verdict().name());
        doc.put("at", entry.at().toString());
        doc.put("runId", entry.runId());
        if (!entry.releaseHashes().isEmpty()) {
            doc.put("releaseHashes", new TreeMap<>(entry.releaseHashes()));
        }
        if (!entry.inputsHash().isEmpty()) {
            doc.put("inputsHash", entry.inputsHash());
        }
        if (!entry.objects().isEmpty()) {
            doc.put("objects", new TreeMap<>(entry.objects()));
        }
        if (!entry.replaced().isEmpty()) {
            doc.put("replaced", new TreeMap<>(entry.replaced()));
        }
        return yaml.dump(doc);
    }

    private static Map<String, String> withLastRun(LedgerState state, Map<String, String> data) {
        Yaml yaml = yaml();
        Map<String, Object> lastRun = new LinkedHashMap<>();
        lastRun.put("runId", state.lastRun().runId());
        lastRun.put("state", state.lastRun().state().word());
        lastRun.put("stoppedAt", state.lastRun().stoppedAt());
        lastRun.put("at", state.lastRun().at().toString());
        lastRun.put("holder", state.lastRun().holder());
        if (!state.lastRun().profile().isEmpty()) {
            lastRun.put("profile", state.lastRun().profile());
            lastRun.put("config", state.lastRun().config());
        }
        if (!state.lastRun().inFlight().isEmpty()) {
            lastRun.put("inFlight", new TreeMap<>(state.lastRun().inFlight()));
        }
        data.put(LAST_RUN, yaml.dump(lastRun));
        return data;
    }

    @SuppressWarnings("unchecked")
    static LedgerState decode(Map<String, String> data) {
        Yaml yaml = yaml();
        Map<String, LedgerEntry> phases = new LinkedHashMap<>();
        LedgerState.LastRun lastRun = LedgerState.empty().lastRun();
        for (Map.Entry<String, String> item : new TreeMap<>(data).entrySet()) {
            Object loaded;
            try {
                loaded = yaml.load(item.getValue());
            } catch (RuntimeException e) {
                continue; // a hand-edited, unreadable entry is treated as absent: the phase simply runs again
            }
            if (!(loaded instanceof Map<?, ?> doc)) {
                continue;
            }
            Map<String, Object> map = (Map<String, Object>) doc;
            if (item.getKey().equals(LAST_RUN)) {
                lastRun = new LedgerState.LastRun(
                        text(map, "runId"),
                        RunState.of(text(map, "state")),
                        text(map, "stoppedAt"),
                        instant(map),
                        text(map, "holder"),
                        integers(map.get("inFlight")),
                        text(map, "profile"),
                        text(map, "config"));
            } else if (item.getKey().startsWith(PHASE_PREFIX)) {
                String phaseId = item.getKey().substring(PHASE_PREFIX.length());
                PhaseStatus verdict;
                try {
                    verdict = PhaseStatus.valueOf(text(map, "verdict"));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                Map<String, String> charts = new LinkedHashMap<>();
                if (map.get("charts") instanceof Map<?, ?> c) {
                    c.forEach((k, v) -> charts.put(String.valueOf(k), String.valueOf(v)));
                }
                Map<String, List<String>> objects = new LinkedHashMap<>();
                if (map.get("objects") instanceof Map<?, ?> o) {
                    o.forEach((release, keys) -> {
                        if (keys instanceof List<?> list) {
                            objects.put(
                                    String.valueOf(release),
                                    list.stream().map(String::valueOf).toList());
                        }
                    });
                }
                Map<String, String> releaseHashes = new LinkedHashMap<>();
                if (map.get("releaseHashes") instanceof Map<?, ?> h) {
                    h.forEach((k, v) -> releaseHashes.put(String.valueOf(k), String.valueOf(v)));
                }
                Map<String, String> replaced = new LinkedHashMap<>();
                if (map.get("replaced") instanceof Map<?, ?> r) {
                    r.forEach((k, v) -> replaced.put(String.valueOf(k), String.valueOf(v)));
                }
                phases.put(
                        phaseId,
                        new LedgerEntry(
                                phaseId,
                                text(map, "configHash"),
                                charts,
                                integers(map.get("revisions")),
                                verdict,
                                instant(map),
                                text(map, "runId"),
                                objects,
                                releaseHashes,
                                replaced,
                                map.get("inputsHash") instanceof String inputs ? inputs : ""));
            }
        }
        return new LedgerState(phases, lastRun);
    }

    private static Map<String, Integer> integers(Object value) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof Number n) {
                    numbers.put(String.valueOf(k), n.intValue());
                }
            });
        }
        return numbers;
    }

    private static String text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? "" : String.valueOf(value);
    }

    private static Instant instant(Map<String, Object> map) {
        try {
            return Instant.parse(text(map, "at"));
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static Yaml yaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options);
    }
}
