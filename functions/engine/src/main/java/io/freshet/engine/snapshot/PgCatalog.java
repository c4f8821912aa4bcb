package io.freshet.engine.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads columns and their types from PostgreSQL's catalog ({@code pg_attribute}, {@code pg_type},
 * {@code format_type}); types are never guessed from data. Domains resolve to their base type (with
 * the domain's typmod), arrays to their element type, enums to their labels.
 */
final class PgCatalog {

    /**
     * A relation found by exact (case-sensitive) schema and name, with the pages of its heap and of
     * its TOAST table as the catalog's statistics have them ({@code relpages}, as of the last
     * VACUUM or ANALYZE; 0 for a relation without storage or never analysed): a first estimate of
     * the connections worth reading it on, made before it is locked. Not {@code pg_relation_size},
     * which locks the relation: behind a migration's exclusive lock the lookup would wait for it,
     * and time out without naming the table. {@code inherited}: a plain table with (or that once
     * had) inheritance children ({@code relhassubclass}), whose rows a read of it includes.
     */
    record Relation(long oid, char kind, long heapPages, long toastPages, boolean inherited) {

        /** A relation without inheritance children. */
        Relation(long oid, char kind, long heapPages, long toastPages) {
            this(oid, kind, heapPages, toastPages, false);
        }

        boolean readable() {
            return switch (kind) {
                case 'r', 'p', 'v', 'm', 'f' -> true;
                default -> false;
            };
        }

        String kindName() {
            return switch (kind) {
                case 'r' -> "table";
                case 'p' -> "partitioned table";
                case 'v' -> "view";
                case 'm' -> "materialized view";
                case 'f' -> "foreign table";
                case 'i', 'I' -> "index";
                case 'S' -> "sequence";
                case 'c' -> "composite type";
                case 't' -> "TOAST table";
                default -> "relation of kind '" + kind + "'";
            };
        }
    }

    /**
     * @param sendsText    whether the type's binary send function is PostgreSQL's own text one
     *                     ({@code textsend}, as citext's is): its binary form is its text
     * @param rangeSubtype a range's subtype ({@code pg_range.rngsubtype}), or a multirange's range's; else 0
     */
    private record TypeRow(char type, char category, long element, long baseType, int typmod, int dimensions, boolean sendsText,
                           long rangeSubtype) {
    }

    // Built-in type oids (pg_type.dat); stable across PostgreSQL versions.
    private static final long BOOL = 16, BYTEA = 17, NAME = 19, INT8 = 20, INT2 = 21, INT4 = 23, TEXT = 25, JSON = 114,
            FLOAT4 = 700, FLOAT8 = 701, BPCHAR = 1042, VARCHAR = 1043, DATE = 1082, TIME = 1083, TIMESTAMP = 1114,
            TIMESTAMPTZ = 1184, INTERVAL = 1186, NUMERIC = 1700, UUID = 2950, JSONB = 3802, OID = 26, XID = 28, CID = 29, XID8 = 5069,
            TSVECTOR = 3614, INET = 869, CIDR = 650, MACADDR = 829, MACADDR8 = 774, BIT = 1560, VARBIT = 1562, TIMETZ = 1266;

    /**
     * The built-in scalar types read in binary, by oid (character types all read as text). xml stays
     * a cast: its cast to text is free (the stored text as it is), where its binary form is rewritten.
     */
    private static final Map<Long, Kind> SCALAR_KINDS = Map.ofEntries(
            Map.entry(BOOL, Kind.BOOL), Map.entry(INT2, Kind.INT2), Map.entry(INT4, Kind.INT4), Map.entry(INT8, Kind.INT8),
            Map.entry(FLOAT4, Kind.FLOAT4), Map.entry(FLOAT8, Kind.FLOAT8),
            Map.entry(TEXT, Kind.TEXT), Map.entry(VARCHAR, Kind.TEXT), Map.entry(BPCHAR, Kind.TEXT), Map.entry(NAME, Kind.TEXT),
            Map.entry(JSON, Kind.JSON), Map.entry(JSONB, Kind.JSONB), Map.entry(BYTEA, Kind.BYTEA), Map.entry(DATE, Kind.DATE),
            Map.entry(TIMESTAMP, Kind.TIMESTAMP), Map.entry(TIMESTAMPTZ, Kind.TIMESTAMPTZ), Map.entry(TIME, Kind.TIME),
            Map.entry(INTERVAL, Kind.INTERVAL), Map.entry(UUID, Kind.UUID),
            Map.entry(OID, Kind.UNSIGNED), Map.entry(XID, Kind.UNSIGNED), Map.entry(CID, Kind.UNSIGNED), Map.entry(XID8, Kind.UNSIGNED),
            Map.entry(INET, Kind.INET), Map.entry(CIDR, Kind.INET), Map.entry(MACADDR, Kind.MACADDR),
            Map.entry(MACADDR8, Kind.MACADDR), Map.entry(BIT, Kind.BIT), Map.entry(VARBIT, Kind.BIT), Map.entry(TIMETZ, Kind.TIMETZ),
            Map.entry(TSVECTOR, Kind.TSVECTOR));

    private final Connection connection;
    private final boolean utcSession;
    private final Map<Long, TypeRow> types = new HashMap<>();
    /** Enums' labels by type oid, read again for each relation's columns ({@link #columns}): labels may be added between two reads. */
    private final Map<Long, List<String>> enumLabels = new HashMap<>();

    /** A catalog for a snapshot's session, whose {@code TimeZone} is UTC ({@link PgSession}). */
    PgCatalog(Connection connection) {
        this(connection, true);
    }

    /**
     * @param utcSession whether the session reads with {@code TimeZone} UTC: a timestamptz's text
     *                   (in a tstzrange) is made in Java only then, as its UTC text
     */
    PgCatalog(Connection connection, boolean utcSession) {
        this.connection = connection;
        this.utcSession = utcSession;
    }

    Optional<Relation> relation(String schema, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT c.oid::text, c.relkind, c.relpages, COALESCE((SELECT t.relpages FROM pg_catalog.pg_class t WHERE t.oid = c.reltoastrelid), 0), "
                        + "c.relkind = 'r' AND c.relhassubclass "
                        + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Relation(Long.parseLong(rs.getString(1)), rs.getString(2).charAt(0), rs.getLong(3), rs.getLong(4),
                        rs.getBoolean(5)));
            }
        }
    }

    /**
     * The relation's columns that PostgreSQL cannot send in binary: a type without a send function
     * ({@code aclitem}, some extensions' types), at any depth (a domain over it, an array, range,
     * multirange or composite of it). A binary COPY of such a column fails ("no binary output
     * function available"); a snapshot casts every type it does not decode to text anyway, but the
     * limit {@code bench snapshot} measures selects the columns as stored, and must cast these.
     */
    Set<String> columnsWithoutBinaryOutput(Relation relation) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("WITH RECURSIVE parts(col, typ) AS ("
                + " SELECT a.attname::text, a.atttypid FROM pg_catalog.pg_attribute a"
                + " WHERE a.attrelid = CAST(? AS oid) AND a.attnum > 0 AND NOT a.attisdropped"
                + " UNION"
                + " SELECT p.col, sub.typ FROM parts p JOIN pg_catalog.pg_type t ON t.oid = p.typ"
                + " CROSS JOIN LATERAL unnest(ARRAY[t.typelem, t.typbasetype,"
                + " COALESCE((SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid), 0),"
                + " COALESCE((SELECT r.rngtypid FROM pg_catalog.pg_range r WHERE r.rngmultitypid = t.oid), 0)]"
                + " || ARRAY(SELECT f.atttypid FROM pg_catalog.pg_attribute f"
                + " WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped)) AS sub(typ)"
                + " WHERE sub.typ <> 0)"
                + " SELECT DISTINCT p.col FROM parts p JOIN pg_catalog.pg_type t ON t.oid = p.typ WHERE t.typsend::oid = 0")) {
            ps.setString(1, Long.toString(relation.oid()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** Whether the schema exists, to tell "no such schema" from "no such table". */
    boolean schemaExists(String schema) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The relation's live columns in order (dropped columns and system columns left out). */
    List<PgColumn> columns(Relation relation) throws SQLException {
        enumLabels.clear();
        record Attribute(String name, String formatted, long type, int typmod, int dimensions) {
        }
        List<Attribute> attributes = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid::text, a.atttypmod, a.attndims "
                        + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = CAST(? AS oid) AND a.attnum > 0 AND NOT a.attisdropped "
                        + "ORDER BY a.attnum")) {
            ps.setString(1, Long.toString(relation.oid()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    attributes.add(new Attribute(rs.getString(1), rs.getString(2), Long.parseLong(rs.getString(3)), rs.getInt(4), rs.getInt(5)));
                }
            }
        }
        readTypes(attributes.stream().map(Attribute::type).toList());
        List<PgColumn> columns = new ArrayList<>(attributes.size());
        for (Attribute a : attributes) {
            columns.add(resolve(a.name(), a.formatted(), a.type(), a.typmod(), a.dimensions()));
        }
        return columns;
    }

    /**
     * A column of a query's result as its row description gives it (type oid and modifier),
     * resolved as a table's column would be.
     */
    PgColumn resultColumn(String name, long typeOid, int typmod) throws SQLException {
        String formatted;
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.format_type(CAST(? AS oid), ?)")) {
            ps.setString(1, Long.toString(typeOid));
            ps.setInt(2, typmod);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                formatted = rs.getString(1);
            }
        }
        return resolve(name, formatted, typeOid, typmod, 0); // a result column's arrays: their dimensions are not described
    }

    /**
     * @param dimensions an array column's declared dimensions ({@code attndims}; 0 when not declared,
     *                   as for a query's result or a table made by CREATE TABLE AS: read as 1), -1 for
     *                   an array's element, which cannot be an array itself
     */
    private PgColumn resolve(String name, String formatted, long typeOid, int typmod, int dimensions) throws SQLException {
        TypeRow t = type(typeOid);
        long oid = typeOid;
        while (t.type() == 'd') { // a domain: its base type, with the domain's typmod and dimensions
            if (typmod < 0) {
                typmod = t.typmod();
            }
            if (dimensions == 0) {
                dimensions = t.dimensions();
            }
            oid = t.baseType();
            t = type(oid);
        }
        if (t.category() == 'A' && t.element() != 0) {
            if (dimensions < 0) {
                throw new IllegalStateException("array of arrays");
            }
            // An array's typmod applies to its elements (numeric(10,2)[]).
            PgColumn element = resolve(null, "", t.element(), typmod, -1);
            return PgColumn.array(name, formatted, element, Math.max(1, dimensions));
        }
        PgColumn subtype = rangeSubtype(t);
        if (subtype != null) {
            return new PgColumn(name, formatted, t.type() == 'm' ? Kind.MULTIRANGE : Kind.RANGE, 0, 0, subtype);
        }
        if (t.type() == 'e') {
            List<String> labels = labels(oid);
            return EnumLabels.readAsCodes(labels.size()) ? PgColumn.enumOf(name, formatted, new EnumLabels(labels))
                    : new PgColumn(name, formatted, Kind.TEXT, 0, 0, null);
        }
        if (t.sendsText()) { // a type sent as text (citext)
            return new PgColumn(name, formatted, Kind.TEXT, 0, 0, null);
        }
        if (oid == NUMERIC) {
            return numeric(name, formatted, typmod);
        }
        return new PgColumn(name, formatted, scalarKind(oid), 0, 0, null);
    }

    /** numeric(p,s) as DECIMAL(p,s) when DuckDB holds it (p <= 38, 0 <= s <= p), else its exact text. */
    private static PgColumn numeric(String name, String formatted, int typmod) {
        if (typmod >= 4) {
            int precision = ((typmod - 4) >> 16) & 0xffff;
            int scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024; // PostgreSQL 15+ allows negative scales
            if (precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
                return new PgColumn(name, formatted, Kind.DECIMAL, precision, scale, null);
            }
        }
        return new PgColumn(name, formatted, Kind.NUMERIC_TEXT, 0, 0, null);
    }

    /** The kind of a built-in scalar type; every other type is read as PostgreSQL's text output. */
    private static Kind scalarKind(long oid) {
        return SCALAR_KINDS.getOrDefault(oid, Kind.TEXT_CAST);
    }

    /** What {@link TypeRow} is read from, after the type's oid as text. */
    private static final String TYPE_ROW = "t.oid::text, t.typtype, t.typcategory, t.typelem::text, t.typbasetype::text, t.typtypmod, t.typndims, "
            + "EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.oid = t.typsend AND p.prolang = 12 AND p.prosrc = 'textsend'), " // 12: internal
            + "CASE WHEN t.typtype = 'r' THEN (SELECT r.rngsubtype::text FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid) "
            + "ELSE '0' END";

    /**
     * Reads the types of {@code oids} not read yet, and the types they are made of (a domain's
     * base, an array's element, a range's subtype, at any depth), in one query: a table's columns
     * cost one round trip for their types, not one for each type (about half a millisecond each on
     * a local server, a network's round trip elsewhere).
     */
    private void readTypes(List<Long> oids) throws SQLException {
        List<String> unread = oids.stream().filter(oid -> !types.containsKey(oid)).distinct().map(String::valueOf).toList();
        if (unread.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "WITH RECURSIVE wanted(oid) AS (SELECT unnest(CAST(CAST(? AS text) AS oid[])) "
                        + "UNION SELECT v.oid FROM wanted w JOIN pg_catalog.pg_type t ON t.oid = w.oid, LATERAL (VALUES (t.typelem), (t.typbasetype), "
                        + "((SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid))) AS v(oid) WHERE v.oid <> 0) "
                        + "SELECT " + TYPE_ROW + " FROM pg_catalog.pg_type t JOIN wanted w ON w.oid = t.oid")) {
            ps.setString(1, "{" + String.join(",", unread) + "}");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oid = Long.parseLong(rs.getString(1));
                    types.putIfAbsent(oid, typeRow(rs, oid));
                }
            }
        }
    }

    private TypeRow type(long oid) throws SQLException {
        TypeRow cached = types.get(oid);
        if (cached != null) {
            return cached;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + TYPE_ROW + " FROM pg_catalog.pg_type t WHERE t.oid = CAST(? AS oid)")) {
            ps.setString(1, Long.toString(oid));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("type " + oid + " not found in pg_type");
                }
                TypeRow row = typeRow(rs, oid);
                types.put(oid, row);
                return row;
            }
        }
    }

    /** The type row of a result set of {@link #TYPE_ROW}'s columns (a multirange's subtype asked apart). */
    private TypeRow typeRow(ResultSet rs, long oid) throws SQLException {
        char typtype = rs.getString(2).charAt(0);
        return new TypeRow(typtype, rs.getString(3).charAt(0), Long.parseLong(rs.getString(4)),
                Long.parseLong(rs.getString(5)), rs.getInt(6), rs.getInt(7), rs.getBoolean(8),
                typtype == 'm' ? multirangeSubtype(oid) : Long.parseLong(rs.getString(9)));
    }

    /**
     * An enum's labels in its sort order. Read in the snapshot's transaction, they include every
     * label a row of the snapshot holds: PostgreSQL lets no row use a label before the label's
     * own transaction commits.
     */
    private List<String> labels(long enumOid) throws SQLException {
        List<String> cached = enumLabels.get(enumOid);
        if (cached != null) {
            return cached;
        }
        List<String> labels = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = CAST(? AS oid) ORDER BY e.enumsortorder")) {
            ps.setString(1, Long.toString(enumOid));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    labels.add(rs.getString(1));
                }
            }
        }
        enumLabels.put(enumOid, labels);
        return labels;
    }

    /** A range's or multirange's subtype when its text is made in Java ({@link PgRangeText}); null for any other type, or when left to the cast. */
    private PgColumn rangeSubtype(TypeRow range) throws SQLException {
        if (range.rangeSubtype() == 0) {
            return null;
        }
        Kind subtype = resolve(null, "", range.rangeSubtype(), -1, 0).kind(); // a range of arrays: ARRAY, left to the cast
        return PgRangeText.handles(subtype, utcSession) ? new PgColumn(null, "", subtype, 0, 0, null) : null;
    }

    /** A multirange's subtype; asked apart because pg_range.rngmultitypid exists only since PostgreSQL 14, as multiranges do. */
    private long multirangeSubtype(long oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT r.rngsubtype::text FROM pg_catalog.pg_range r WHERE r.rngmultitypid = CAST(? AS oid)")) {
            ps.setString(1, Long.toString(oid));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
            }
        }
    }
}
