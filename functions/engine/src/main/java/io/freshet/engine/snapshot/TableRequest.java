package io.freshet.engine.snapshot;

import java.util.Objects;
import java.util.Optional;

/**
 * One table (or view, materialized view, partitioned table) to snapshot.
 *
 * <p>{@code schema} and {@code table} are the names exactly as stored in the catalog
 * ({@code pg_namespace.nspname}, {@code pg_class.relname}): case-sensitive, never parsed and never
 * spliced into SQL unquoted. A table created as {@code "Tap Log"} is {@code Tap Log} here.
 *
 * @param schema          the schema, e.g. {@code public}
 * @param table           the relation's name
 * @param output          the asset this table becomes (e.g. {@code raw.taps}); names the Parquet
 *                        files' directory under the work directory; unique within one call
 * @param watermarkColumn incremental mode: the column whose values only grow (an integer,
 *                        numeric, date, timestamp or timestamptz column); empty for a full snapshot
 * @param lastWatermark   the watermark published by the previous snapshot, in PostgreSQL's input
 *                        syntax for the column's type (as {@link TableSnapshot#newWatermark()}
 *                        returns it); only rows with {@code watermark > lastWatermark} are read.
 *                        Empty on the first incremental run: every row is read, those with a
 *                        NULL watermark too.
 * @param upTo            incremental mode: the greatest watermark to read (inclusive), in the same
 *                        syntax; empty for no upper bound. Re-reading a partition's recorded range
 *                        {@code (lastWatermark, upTo]} reproduces it (as long as no row was updated
 *                        or inserted behind the watermark meanwhile).
 */
public record TableRequest(String schema, String table, String output, Optional<String> watermarkColumn, Optional<String> lastWatermark,
                           Optional<String> upTo) {

    public TableRequest {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(watermarkColumn, "watermarkColumn");
        Objects.requireNonNull(lastWatermark, "lastWatermark");
        Objects.requireNonNull(upTo, "upTo");
        if (schema.isEmpty() || table.isEmpty() || output.isBlank()) {
            throw new IllegalArgumentException("schema, table and output must not be empty");
        }
        if ((lastWatermark.isPresent() || upTo.isPresent()) && watermarkColumn.isEmpty()) {
            throw new IllegalArgumentException("a watermark bound without a watermark column for " + schema + "." + table);
        }
    }

    public TableRequest(String schema, String table, String output, Optional<String> watermarkColumn, Optional<String> lastWatermark) {
        this(schema, table, output, watermarkColumn, lastWatermark, Optional.empty());
    }

    /** A full snapshot of {@code schema.table} as {@code output}. */
    public static TableRequest full(String schema, String table, String output) {
        return new TableRequest(schema, table, output, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** An incremental snapshot: rows whose {@code watermarkColumn} is past {@code lastWatermark} (all rows when empty). */
    public static TableRequest incremental(String schema, String table, String output, String watermarkColumn, Optional<String> lastWatermark) {
        return new TableRequest(schema, table, output, Optional.of(watermarkColumn), lastWatermark);
    }

    /**
     * An incremental snapshot of exactly the rows whose {@code watermarkColumn} is in
     * {@code (after, upTo]}: a partition's recorded range read again. An empty {@code after} starts
     * at the table's first row (NULL watermarks included, as a first incremental run reads them).
     */
    public static TableRequest range(String schema, String table, String output, String watermarkColumn, Optional<String> after, String upTo) {
        return new TableRequest(schema, table, output, Optional.of(watermarkColumn), after, Optional.of(upTo));
    }

    /** {@code schema.table} for messages, quoted the way PostgreSQL would need it. */
    String displayName() {
        return Sql.quoteIdent(schema) + "." + Sql.quoteIdent(table);
    }
}
