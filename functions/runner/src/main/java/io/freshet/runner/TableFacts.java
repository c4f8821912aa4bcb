package io.freshet.runner;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.core.snapshot.WatermarkRange;

/**
 * What a step knows of an output table it wrote, for the output's event.
 *
 * @param schemaHash the source table's schema hash (snapshots)
 * @param watermarks the watermark range the partition now holds (incremental snapshots)
 * @param more       further metadata of the output's event
 */
record TableFacts(String asset, long rows, Optional<String> schemaHash, Optional<WatermarkRange> watermarks, Map<String, String> more) {

    TableFacts(String asset, long rows, Optional<String> schemaHash, Optional<WatermarkRange> watermarks) {
        this(asset, rows, schemaHash, watermarks, Map.of());
    }

    static TableFacts rows(String asset, long rows) {
        return new TableFacts(asset, rows, Optional.empty(), Optional.empty());
    }

    /** The same facts with more metadata (a for_each step's task counts). */
    TableFacts with(Map<String, String> metadata) {
        Map<String, String> m = new TreeMap<>(more);
        m.putAll(metadata);
        return new TableFacts(asset, rows, schemaHash, watermarks, m);
    }

    /** The facts as event metadata: rows, schema hash, watermark range. */
    Map<String, String> metadata() {
        Map<String, String> m = new TreeMap<>();
        m.put("rows", Long.toString(rows));
        schemaHash.ifPresent(h -> m.put("schemaHash", h));
        watermarks.ifPresent(r -> m.putAll(r.metadata()));
        m.putAll(more);
        return m;
    }
}
