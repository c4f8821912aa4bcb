package io.freshet.core.yaml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the keys of one YAML mapping strictly: each key the model knows is asked for by name,
 * and {@link #finish()} reports every key nobody asked for. Duplicate keys are reported when the
 * reader is made, with the position of the first one.
 */
public final class MapReader {

    private final YNode.Mapping mapping;
    private final String what;
    private final Diagnostics out;
    private final Map<String, YNode.Entry> entries = new LinkedHashMap<>();
    private final Set<String> known = new LinkedHashSet<>();

    private MapReader(YNode.Mapping mapping, String what, Diagnostics out) {
        this.mapping = mapping;
        this.what = what;
        this.out = out;
        for (YNode.Entry e : mapping.entries()) {
            YNode.Entry first = entries.putIfAbsent(e.key().value(), e);
            if (first != null) {
                out.error(e.key().pos(), "duplicate key '" + e.key().value() + "' in " + what
                        + " (first defined at line " + first.key().pos().line() + ")");
            }
        }
    }

    /** A reader for {@code node}, or empty (with an error) when it is not a mapping. */
    public static Optional<MapReader> of(YNode node, String what, Diagnostics out) {
        if (node instanceof YNode.Mapping m) {
            return Optional.of(new MapReader(m, what, out));
        }
        out.error(node.pos(), what + " must be a mapping of keys to values, got " + node.describe());
        return Optional.empty();
    }

    public SourcePos pos() {
        return mapping.pos();
    }

    public Diagnostics diagnostics() {
        return out;
    }

    public String what() {
        return what;
    }

    public boolean has(String key) {
        known.add(key);
        return entries.containsKey(key);
    }

    /** The value of {@code key} if present and not null. */
    public Optional<YNode> get(String key) {
        known.add(key);
        YNode.Entry e = entries.get(key);
        if (e == null || e.value() instanceof YNode.Scalar s && s.isNull()) {
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    public Optional<YNode> required(String key) {
        Optional<YNode> v = get(key);
        if (v.isEmpty()) {
            YNode.Entry e = entries.get(key);
            SourcePos at = e == null ? mapping.pos() : e.key().pos();
            out.error(at, e == null ? "missing required key '" + key + "' in " + what : "'" + key + "' in " + what + " needs a value");
        }
        return v;
    }

    /** The position of {@code key}'s key, or of the mapping when it is absent. */
    public SourcePos keyPos(String key) {
        YNode.Entry e = entries.get(key);
        return e == null ? mapping.pos() : e.key().pos();
    }

    public Optional<String> string(String key) {
        return get(key).flatMap(n -> Values.string(n, "'" + key + "'", out));
    }

    public Optional<String> requiredString(String key) {
        return required(key).flatMap(n -> Values.string(n, "'" + key + "'", out));
    }

    public Optional<Boolean> bool(String key) {
        return get(key).flatMap(n -> Values.bool(n, "'" + key + "'", out));
    }

    public Optional<Long> integer(String key, long min, long max) {
        return get(key).flatMap(n -> Values.integer(n, "'" + key + "'", min, max, out));
    }

    public Optional<Duration> duration(String key) {
        return get(key).flatMap(n -> Values.duration(n, "'" + key + "'", out));
    }

    /** A list value; a missing key is an empty list. */
    public List<YNode> list(String key) {
        return get(key).map(n -> Values.list(n, "'" + key + "'", out)).orElse(List.of());
    }

    public List<YNode.Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** Reports the keys nobody asked for, with the nearest known key as a hint. */
    public void finish() {
        for (YNode.Entry e : entries.values()) {
            String key = e.key().value();
            if (!known.contains(key)) {
                String hint = DidYouMean.closest(key, known)
                        .map(k -> "; did you mean '" + k + "'?")
                        .orElse("; expected one of: " + String.join(", ", known));
                out.error(e.key().pos(), "unknown key '" + key + "' in " + what + hint);
            }
        }
    }
}
