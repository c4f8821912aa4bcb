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
 */
record TableFacts(String asset, long rows, Optional<String> schemaHash, Optional<WatermarkRange> watermarks) {

    static TableFacts rows(String asset, long rows) {
        return new TableFacts(asset, rows, Optional.empty(), Optional.empty());
    }

    /** The facts as event metadata: rows, schema hash, watermark range. */
    Map<String, String> metadata() {
        Map<String, String> m = new TreeMap<>();
        m.put("rows", Long.toString(rows));
        schemaHash.ifPresent(h -> m.put("schemaHash", h));
        watermarks.ifPresent(r -> m.putAll(r.metadata()));
        return m;
    }
}
