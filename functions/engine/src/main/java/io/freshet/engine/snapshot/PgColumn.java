package io.freshet.engine.snapshot;

/**
 * A column resolved from the catalog: its PostgreSQL type (domains resolved to their base type),
 * how it is decoded ({@link Kind}) and what it becomes in DuckDB and Parquet.
 *
 * @param name      the column's name ({@code null} for an array's element)
 * @param pgType    {@code format_type} of the declared type (a domain's own name)
 * @param kind      how values travel
 * @param precision numeric precision (DECIMAL only)
 * @param scale     numeric scale (DECIMAL only)
 * @param element   the element of an ARRAY column, else {@code null}
 */
record PgColumn(String name, String pgType, Kind kind, int precision, int scale, PgColumn element) {

    PgColumn {
        if (kind == Kind.ARRAY && (element == null || element.kind == Kind.ARRAY)) {
            throw new IllegalArgumentException("an array column needs a scalar element");
        }
        if (kind == Kind.DECIMAL && (precision < 1 || precision > 38 || scale < 0 || scale > precision)) {
            throw new IllegalArgumentException("DECIMAL(" + precision + "," + scale + ") is not representable");
        }
    }

    /** Bytes per value in the stream: 2, 4, 8 or 16 for DECIMAL by precision, as DuckDB stores it. */
    int width() {
        if (kind != Kind.DECIMAL) {
            return kind.width;
        }
        return precision <= 4 ? 2 : precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
    }

    /** The type written to Parquet, as DuckDB names it. */
    String duckdbType() {
        return switch (kind) {
            case BOOL -> "BOOLEAN";
            case INT2 -> "SMALLINT";
            case INT4 -> "INTEGER";
            case INT8 -> "BIGINT";
            case FLOAT4 -> "FLOAT";
            case FLOAT8 -> "DOUBLE";
            case DECIMAL -> "DECIMAL(" + precision + "," + scale + ")";
            case NUMERIC_TEXT, TEXT, TEXT_CAST -> "VARCHAR";
            case JSON, JSONB -> "JSON";
            case BYTEA -> "BLOB";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMPTZ -> "TIMESTAMP WITH TIME ZONE";
            case TIME -> "TIME";
            case UUID -> "UUID";
            case ARRAY -> element.duckdbType() + "[]";
        };
    }

    /** The expression PostgreSQL's COPY query selects for this column. */
    String selectExpression() {
        String q = Sql.quoteIdent(name);
        if (kind == Kind.TEXT_CAST) {
            return "CAST(" + q + " AS text)";
        }
        if (kind == Kind.ARRAY && element.kind == Kind.TEXT_CAST) {
            return "CAST(" + q + " AS text[])";
        }
        return q;
    }

    /** DuckDB SQL turning the stream column {@code ref} (already quoted) into {@link #duckdbType()}. */
    String duckdbExpression(String ref) {
        return switch (kind) {
            case JSON, JSONB -> "CAST(" + ref + " AS JSON)";
            case BYTEA -> "unhex(" + ref + ")";
            case TIME -> "CAST(" + ref + " AS TIME)";
            case UUID -> "CAST(" + ref + " AS UUID)";
            case ARRAY -> arrayExpression(ref);
            default -> ref;
        };
    }

    /**
     * Arrays arrive as a JSON array of element texts ({@code ["1",null,"3"]}); from_json extracts
     * them as VARCHAR without reinterpretation, and each element is converted exactly as a scalar of
     * its kind would be. Dates and timestamps come as day and microsecond counts since 1970 (or
     * {@code infinity}/{@code -infinity}), so no date text is ever parsed.
     */
    private String arrayExpression(String ref) {
        String list = "from_json(" + ref + ", '[\"VARCHAR\"]')";
        String x = "x";
        String conv = switch (element.kind) {
            case NUMERIC_TEXT, TEXT, TEXT_CAST -> null;
            case BOOL, INT2, INT4, INT8, FLOAT4, FLOAT8, DECIMAL, TIME, UUID, JSON, JSONB ->
                    "CAST(" + x + " AS " + element.duckdbType() + ")";
            case BYTEA -> "unhex(" + x + ")";
            case DATE -> infinite(x, "DATE", "CAST(DATE '1970-01-01' + CAST(" + x + " AS INTEGER) AS DATE)");
            case TIMESTAMP -> infinite(x, "TIMESTAMP", "make_timestamp(CAST(" + x + " AS BIGINT))");
            case TIMESTAMPTZ -> infinite(x, "TIMESTAMPTZ", "CAST(make_timestamp(CAST(" + x + " AS BIGINT)) AS TIMESTAMPTZ)");
            case ARRAY -> throw new IllegalStateException("nested array");
        };
        return conv == null ? list : "list_transform(" + list + ", lambda " + x + ": " + conv + ")";
    }

    private static String infinite(String x, String type, String otherwise) {
        return "CASE " + x + " WHEN 'infinity' THEN CAST('infinity' AS " + type + ") WHEN '-infinity' THEN CAST('-infinity' AS " + type
                + ") ELSE " + otherwise + " END";
    }

    ColumnInfo info() {
        return new ColumnInfo(name, pgType, duckdbType());
    }
}
