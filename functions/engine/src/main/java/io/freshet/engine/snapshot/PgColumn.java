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
 * @param element   the element of an ARRAY column, else {@code null}; an ARRAY itself for each
 *                  further dimension of a multidimensional array ({@code int[][]}: ARRAY of ARRAY of INT4);
 *                  the subtype of a RANGE or MULTIRANGE
 * @param labels    an ENUM's labels, else {@code null}
 */
record PgColumn(String name, String pgType, Kind kind, int precision, int scale, PgColumn element, EnumLabels labels) {

    PgColumn(String name, String pgType, Kind kind, int precision, int scale, PgColumn element) {
        this(name, pgType, kind, precision, scale, element, null);
    }

    /** A column of an enum read as codes. */
    static PgColumn enumOf(String name, String pgType, EnumLabels labels) {
        return new PgColumn(name, pgType, Kind.ENUM, 0, 0, null, labels);
    }

    PgColumn {
        if ((kind == Kind.ENUM) != (labels != null)) {
            throw new IllegalArgumentException("an ENUM column, and only one, has labels");
        }
        if ((kind == Kind.ARRAY || kind == Kind.RANGE || kind == Kind.MULTIRANGE) && element == null) {
            throw new IllegalArgumentException("an array or range column needs an element");
        }
        if (kind == Kind.DECIMAL && (precision < 1 || precision > 38 || scale < 0 || scale > precision)) {
            throw new IllegalArgumentException("DECIMAL(" + precision + "," + scale + ") is not representable");
        }
    }

    /** An array of {@code dimensions} dimensions of {@code scalar}, as a LIST nested that deep. */
    static PgColumn array(String name, String pgType, PgColumn scalar, int dimensions) {
        PgColumn element = scalar;
        for (int d = 1; d < dimensions; d++) {
            element = new PgColumn(null, "", Kind.ARRAY, 0, 0, element);
        }
        return new PgColumn(name, pgType, Kind.ARRAY, 0, 0, element);
    }

    /** The dimensions of an array column (the LISTs nested in one another), 0 for a scalar. */
    int dimensions() {
        return kind == Kind.ARRAY ? 1 + element.dimensions() : 0;
    }

    /** What an array's values are made of, through every dimension; the column itself for a scalar. */
    PgColumn scalar() {
        return kind == Kind.ARRAY ? element.scalar() : this;
    }

    /** Bytes per value in the stream: 2, 4, 8 or 16 for DECIMAL by precision, 1 or 2 for an ENUM's codes, as DuckDB stores them. */
    int width() {
        if (kind == Kind.ENUM) {
            return labels.width();
        }
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
            case NUMERIC_TEXT, TEXT, ENUM, TEXT_CAST, INTERVAL, UNSIGNED, INET, MACADDR, BIT, TIMETZ, RANGE, MULTIRANGE, TSVECTOR -> "VARCHAR";
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
        if (kind == Kind.ARRAY && scalar().kind == Kind.TEXT_CAST) { // text[] has no dimensions of its own in PostgreSQL
            return "CAST(" + q + " AS text[])";
        }
        return q;
    }

    /** DuckDB SQL turning the stream column {@code ref} (already quoted) into {@link #duckdbType()}. */
    String duckdbExpression(String ref) {
        return switch (kind) {
            case BYTEA -> "from_base64(" + ref + ")";
            case ARRAY -> arrayExpression(ref);
            default -> ref;
        };
    }

    /**
     * Arrays arrive as LIST vectors of their element's stream type, so only elements whose stream
     * type is not their final type need converting, each exactly as a scalar of its kind is: for
     * bytea's base64 text, from_base64 per element, at the depth of the array's dimensions.
     */
    private String arrayExpression(String ref) {
        return scalar().kind == Kind.BYTEA ? perElement(ref, dimensions(), 0) : ref;
    }

    /** {@code from_base64} applied to every element {@code depth} LISTs down. */
    private static String perElement(String ref, int depth, int level) {
        if (depth == 0) {
            return "from_base64(" + ref + ")";
        }
        String x = "x" + level;
        return "list_transform(" + ref + ", lambda " + x + ": " + perElement(x, depth - 1, level + 1) + ")";
    }

    ColumnInfo info() {
        return new ColumnInfo(name, pgType, duckdbType());
    }
}
