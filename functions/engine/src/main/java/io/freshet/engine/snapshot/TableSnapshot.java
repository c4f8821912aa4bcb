package io.freshet.engine.snapshot;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One table's snapshot: its Parquet files and what the asset event records about them.
 *
 * @param output       the asset, as requested
 * @param parquetFiles the files written (zstd Parquet), under the work directory
 * @param rows         rows written
 * @param bytes        total size of the files
 * @param schemaHash   SHA-256 (hex) over the columns' (name, PostgreSQL type) pairs in order: changes
 *                     when a column is added, dropped, renamed, reordered or retyped
 * @param newWatermark incremental mode: the greatest watermark of the rows read, in PostgreSQL's
 *                     input syntax (pass it back as {@link TableRequest#lastWatermark()}); the last
 *                     watermark again when no row was newer; empty for a full snapshot, or for a
 *                     first incremental run that found no row with a non-NULL watermark
 * @param columns      the columns in order
 */
public record TableSnapshot(String output, List<Path> parquetFiles, long rows, long bytes, String schemaHash,
                            Optional<String> newWatermark, List<ColumnInfo> columns) {

    public TableSnapshot {
        parquetFiles = List.copyOf(parquetFiles);
        columns = List.copyOf(columns);
    }

    /** The asset event's metadata: {@code rows}, {@code bytes}, {@code schema_hash} and, when incremental, {@code watermark}. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rows", Long.toString(rows));
        m.put("bytes", Long.toString(bytes));
        m.put("schema_hash", schemaHash);
        newWatermark.ifPresent(w -> m.put("watermark", w));
        return m;
    }
}
