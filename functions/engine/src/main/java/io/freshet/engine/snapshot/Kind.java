package io.freshet.engine.snapshot;

/**
 * How one PostgreSQL type travels: its binary COPY form is decoded in Java into a DuckDB vector of
 * {@link #streamType} (a type DuckDB's Java table functions can produce), and DuckDB's SQL turns
 * that into the final type where the two differ (see {@link PgColumn#duckdbExpression}).
 */
enum Kind {
    BOOL("BOOLEAN", 1),
    INT2("SMALLINT", 2),
    INT4("INTEGER", 4),
    INT8("BIGINT", 8),
    FLOAT4("FLOAT", 4),
    FLOAT8("DOUBLE", 8),
    /** numeric(p,s) with 1 <= p <= 38 and 0 <= s <= p: DECIMAL(p,s), unscaled integer of 2, 4, 8 or 16 bytes. */
    DECIMAL("DECIMAL", -1),
    /** numeric without a usable typmod (unconstrained, p > 38, negative scale, s > p): its exact text. */
    NUMERIC_TEXT("VARCHAR", 0),
    /** text, varchar, char(n) (blank-padded, as PostgreSQL returns it), name, labels of an enum of more than 65,535. */
    TEXT("VARCHAR", 0),
    /**
     * an enum: each label's code in a DuckDB ENUM of the same labels in the same order
     * ({@link EnumLabels}); written to Parquet as its label (a string), as DuckDB's scanner writes it.
     */
    ENUM("ENUM", -1),
    /** json: its text, in a column of DuckDB's JSON type (VARCHAR with an alias: no parse, see DuckDbVectors). */
    JSON("VARCHAR", 0),
    /** jsonb: binary form is a version byte (1) and the text; as json. */
    JSONB("VARCHAR", 0),
    /**
     * bytea: base64 text in the stream, from_base64() to BLOB in DuckDB. (A BLOB vector cannot be
     * filled in one call: the driver's batch assignment checks the payload is UTF-8, and one call
     * per value costs more. Base64 rather than hex: DuckDB's unhex took 231 ns for a 48-byte value,
     * from_base64 40, and the text is 4/3 of the bytes instead of twice.)
     */
    BYTEA("VARCHAR", 0),
    DATE("DATE", 4),
    TIMESTAMP("TIMESTAMP", 8),
    TIMESTAMPTZ("TIMESTAMP_TZ", 8),
    /** time: microseconds since midnight, in PostgreSQL's binary form as in DuckDB's TIME vector. */
    TIME("TIME", 8),
    /**
     * interval: the text PostgreSQL prints (IntervalStyle postgres), made in Java from the binary form
     * ({@link PgIntervalText}); text because Iceberg has no interval type.
     */
    INTERVAL("VARCHAR", 0),
    /**
     * uuid: the 128-bit value in DuckDB's own UUID layout (a hugeint whose top bit is flipped, so that
     * UUIDs sort as their text does), written by the decoder, so no cast runs in DuckDB. (It used to
     * travel as UHUGEINT, when the driver's table functions could not declare a UUID column, and be
     * cast; a cast from the text form parses each of 32 hex digits and cost 12% of all CPU in the
     * benchmark.)
     */
    UUID("UUID", 16),
    /**
     * oid, xid, cid (4 bytes) and xid8 (8 bytes): unsigned integers whose decimal text is made in Java
     * as PostgreSQL prints it ({@code %u}), instead of by a cast in the COPY query, which cost the
     * server's CPU; kept as text, as they were published before (Iceberg has no unsigned type).
     */
    UNSIGNED("VARCHAR", 0),
    /** inet and cidr: their text made in Java from family, mask and address ({@link PgTypeText}), kept as text. */
    INET("VARCHAR", 0),
    /** macaddr and macaddr8: their text made in Java, kept as text. */
    MACADDR("VARCHAR", 0),
    /** bit and varbit: their text of 0s and 1s made in Java, kept as text. */
    BIT("VARCHAR", 0),
    /** timetz: its text made in Java from microseconds and zone offset, kept as text (Iceberg has no time with zone). */
    TIMETZ("VARCHAR", 0),
    /**
     * ranges of int4, int8, numeric, date, timestamp, and timestamptz in a UTC session: their text
     * made in Java ({@link PgRangeText}), the subtype as the column's element; kept as text.
     */
    RANGE("VARCHAR", 0),
    /** multiranges of those subtypes (PostgreSQL 14+): as RANGE, in braces. */
    MULTIRANGE("VARCHAR", 0),
    /** tsvector: its text made in Java from the lexemes and positions ({@code 'fat':2A 'rat':3}), kept as text. */
    TSVECTOR("VARCHAR", 0),
    /** any other type: cast to text by PostgreSQL in the COPY query, kept as VARCHAR. */
    TEXT_CAST("VARCHAR", 0),
    /**
     * one-dimensional arrays: a LIST vector of the element's stream type, written directly (no text
     * in between); elements whose stream type is not their final one are converted by a list cast.
     */
    ARRAY("LIST", ColumnBuffer.LIST_ENTRY);

    /** The DuckDB type of the table function's column (a {@code DUCKDB_TYPE_*} name without the prefix). */
    final String streamType;
    /** Bytes per value in the stream vector (a list entry for ARRAY); 0 for strings; -1 when it depends on the column (DECIMAL, ENUM). */
    final int width;

    Kind(String streamType, int width) {
        this.streamType = streamType;
        this.width = width;
    }

    boolean isString() {
        return width == 0;
    }

    /** Kinds whose values are totally ordered the same way in Java as in PostgreSQL: allowed as watermarks. */
    boolean canBeWatermark() {
        return switch (this) {
            case INT2, INT4, INT8, DECIMAL, NUMERIC_TEXT, DATE, TIMESTAMP, TIMESTAMPTZ -> true;
            default -> false;
        };
    }
}
