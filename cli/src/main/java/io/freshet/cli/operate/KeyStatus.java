package io.freshet.cli.operate;

import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.load.Project;
import io.freshet.core.model.DynamicKey;
import io.freshet.state.StateStore;

/**
 * The keys of a dynamically keyed asset ({@code partition_by}; docs/architecture.md, "Dynamic
 * keys"): every key value seen among its newest {@value #EVENTS_READ} events, each with its newest
 * event. What {@code freshet status} prints under the asset table and the lineage page shows in
 * the asset's panel.
 *
 * @param column the key column
 * @param keys   by key value, each key's newest event
 */
public record KeyStatus(String asset, String column, Map<String, AssetEvent> keys) {

    /** How many of the asset's newest events are read for its keys: keys not written since are not listed. */
    public static final int EVENTS_READ = 500;

    /** The asset's keys, when its output declares {@code partition_by}. */
    public static Optional<KeyStatus> of(Project project, StateStore store, String asset) {
        Optional<DynamicKey> key = project.output(asset).flatMap(o -> o.dynamicKey());
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AssetEvent> keys = new TreeMap<>();
        for (AssetEvent e : store.events().recent(asset, EVENTS_READ)) { // newest first: the first of a key is its newest
            EventKeys.value(e, key.get().column()).ifPresent(v -> keys.putIfAbsent(v, e));
        }
        return Optional.of(new KeyStatus(asset, key.get().column(), keys));
    }

    /** Every keyed asset of the project, in the project's order. */
    public static List<KeyStatus> collect(Project project, StateStore store) {
        List<KeyStatus> out = new ArrayList<>();
        for (String asset : project.graph().topologicalOrder()) {
            of(project, store, asset).ifPresent(out::add);
        }
        return out;
    }

    /** A block per keyed asset: one line per key, its newest event's partition, time and rows. */
    public static void print(List<KeyStatus> all, PrintWriter out, ZoneId zone) {
        DateTimeFormatter t = DateTimeFormatter.ofPattern("MM-dd HH:mm");
        for (KeyStatus k : all) {
            out.printf("keys of %s (partition_by %s): %d seen%n", k.asset(), k.column(), k.keys().size());
            k.keys().forEach((value, e) -> out.printf("  %-20s %-12s %-12s %9s  %s%n", k.column() + "=" + value,
                    e.partition().isEmpty() ? "-" : e.partition(), t.format(LocalDateTime.ofInstant(e.time(), zone)),
                    e.metadata().getOrDefault("rows", ""), e.eventId()));
        }
        out.flush();
    }

    /** Into an asset's JSON: {@code "keyColumn": "line", "keys": [{"key": {"line": "A"}, "partition", "updated", "rows", "eventId"}]}. */
    public void json(ObjectNode n) {
        n.put("keyColumn", column);
        ArrayNode a = n.putArray("keys");
        keys.forEach((value, e) -> {
            ObjectNode k = a.addObject();
            k.putObject("key").put(column, value);
            k.put("partition", e.partition());
            k.put("updated", e.time().toString());
            k.put("rows", Long.parseLong(e.metadata().getOrDefault("rows", "0")));
            k.put("eventId", e.eventId());
        });
    }

    /** The keys as plain data, for the lineage page: key value, partition, time, rows, event id. */
    public List<Map<String, Object>> rows() {
        List<Map<String, Object>> out = new ArrayList<>();
        keys.forEach((value, e) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("key", column + "=" + value);
            row.put("partition", e.partition());
            row.put("time", e.time().toString());
            row.put("rows", e.metadata().getOrDefault("rows", ""));
            row.put("eventId", e.eventId());
            out.add(row);
        });
        return out;
    }
}
