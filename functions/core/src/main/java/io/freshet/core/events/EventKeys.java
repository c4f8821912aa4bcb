package io.freshet.core.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.core.model.Input;

/**
 * The dynamic key an asset event carries (docs/architecture.md, "Dynamic keys"): an output with
 * {@code partition_by} publishes one event per key value its run wrote. The key travels in the
 * event's metadata as {@code key.<column>} entries, so every copy of an event (staged, recorded
 * with its table, read back) keeps it without a field of its own; the event's JSON shows it as a
 * {@code key} object instead ({@code "key": {"line": "A"}}), absent for an event without one.
 */
public final class EventKeys {

    /** The metadata prefix of a key column: {@code key.line} holds the event's value of {@code line}. */
    public static final String PREFIX = "key.";

    private EventKeys() {
    }

    /** The event's key, column to value; empty for an event of the whole partition. */
    public static Map<String, String> of(AssetEvent e) {
        Map<String, String> key = new TreeMap<>();
        e.metadata().forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                key.put(k.substring(PREFIX.length()), v);
            }
        });
        return key;
    }

    /** The key as people read it: {@code line=A} (columns in order, comma-separated); empty when it has none. */
    public static String describe(Map<String, String> key) {
        List<String> parts = key.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return String.join(",", parts);
    }

    /** The event's key described ({@link #describe}). */
    public static String describe(AssetEvent e) {
        return describe(of(e));
    }

    /** Metadata entries for a key: {@code key.<column>} to the value. */
    public static Map<String, String> metadata(String column, String value) {
        return Map.of(PREFIX + column, value);
    }

    /**
     * Whether an input takes this event: an input of the whole asset takes every event, an input
     * of one key only events of that key.
     */
    public static boolean accepts(Input input, AssetEvent e) {
        return input.key().map(k -> k.value().equals(of(e).get(k.column()))).orElse(true);
    }

    /** The value of the event's key column {@code column}, if it has one. */
    public static Optional<String> value(AssetEvent e, String column) {
        return Optional.ofNullable(e.metadata().get(PREFIX + column));
    }
}
