package io.freshet.engine.snapshot;

/**
 * A column as read from the catalog and as written to Parquet.
 *
 * @param name         the column's name, exactly as in PostgreSQL (and in the Parquet file)
 * @param postgresType {@code format_type(atttypid, atttypmod)}, e.g. {@code numeric(12,2)},
 *                     {@code timestamp with time zone}, {@code text[]}, a domain's or enum's name
 * @param duckdbType   the DuckDB type written to Parquet, e.g. {@code DECIMAL(12,2)},
 *                     {@code TIMESTAMP WITH TIME ZONE}, {@code VARCHAR[]}
 */
public record ColumnInfo(String name, String postgresType, String duckdbType) {
}
