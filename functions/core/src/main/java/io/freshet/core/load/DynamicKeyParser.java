package io.freshet.core.load;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.freshet.core.model.DynamicKey;
import io.freshet.core.model.InputKey;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Reads dynamic keys: an output's {@code partition_by: [line]} and an input's {@code key: {line: A}}
 * (docs/pipelines.md, "Dynamic keys"). One key column per output, its values strings.
 */
final class DynamicKeyParser {

    /** A key column: an unquoted SQL identifier, as the step's result names it. */
    static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** A key value: printable, no path separator (it becomes a folder name of the table). */
    static final Pattern VALUE = Pattern.compile("[^/\\p{Cntrl}]{1,128}");

    private final Diagnostics out;

    DynamicKeyParser(Diagnostics out) {
        this.out = out;
    }

    /** {@code partition_by} of an output: a list of exactly one column name. */
    Optional<DynamicKey> partitionBy(MapReader output, String asset) {
        Optional<YNode> node = output.get("partition_by");
        if (node.isEmpty()) {
            return Optional.empty();
        }
        List<YNode> items = Values.list(node.get(), "'partition_by' of output '" + asset + "'", out);
        if (items.size() != 1) {
            if (node.get() instanceof YNode.Sequence) {
                out.error(node.get().pos(), "'partition_by' of output '" + asset + "' must name exactly one column (one dynamic key column"
                        + " per output), got " + items.size());
            }
            return Optional.empty();
        }
        return Values.string(items.get(0), "the column of 'partition_by'", out).flatMap(column -> {
            if (!COLUMN.matcher(column).matches()) {
                out.error(items.get(0).pos(), "'partition_by' column '" + column + "' must be a lower-case SQL identifier"
                        + " (letters, digits, '_'; at most 63)");
                return Optional.empty();
            }
            return Optional.of(new DynamicKey(column, output.keyPos("partition_by")));
        });
    }

    /** {@code key} of an input: a mapping of one key column to its value. */
    Optional<InputKey> inputKey(MapReader input) {
        Optional<YNode> node = input.get("key");
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Optional<MapReader> m = MapReader.of(node.get(), "'key'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        List<YNode.Entry> entries = m.get().entries();
        if (entries.size() != 1) {
            out.error(node.get().pos(), "'key' must name exactly one column and its value, as {line: A}, got " + entries.size() + " entries");
            return Optional.empty();
        }
        YNode.Entry entry = entries.get(0);
        m.get().get(entry.key().value());
        m.get().finish();
        Optional<String> value = Values.string(entry.value(), "the value of key '" + entry.key().value() + "'", out);
        if (value.isPresent() && !VALUE.matcher(value.get()).matches()) {
            out.error(entry.value().pos(), "key value '" + value.get() + "' must be 1 to 128 characters with no '/' and no control character");
            return Optional.empty();
        }
        return value.map(v -> new InputKey(entry.key().value(), v, input.keyPos("key")));
    }
}
