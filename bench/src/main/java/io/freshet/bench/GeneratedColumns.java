package io.freshet.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * Tables of any columns for {@code bench snapshot --columns}: a list of PostgreSQL types
 * ({@code "int*10, text*5, numeric(12,2), jsonb, timestamptz[]"}) becomes columns c1, c2, ...; each is
 * filled by an expression of the row number {@code g} chosen by its type as the catalog resolves it
 * (aliases, typmods, domains), varied from row to row and NULL in about one row in 13 (never in a
 * NOT NULL column: {@code serial}, or {@code "int not null"}). So a table nobody wrote a benchmark
 * for can be measured by naming its types.
 */
final class GeneratedColumns {

    /**
     * A column as the catalog gives it: its name, its type ({@code format_type}), for a domain its
     * base type, an array's declared dimensions ({@code int[][]}: 2; 0 when not declared), and
     * whether it refuses NULL.
     */
    record Column(String name, String type, String baseType, boolean isEnum, int dimensions, boolean notNull) {
        Column(String name, String type, String baseType, boolean isEnum, int dimensions) {
            this(name, type, baseType, isEnum, dimensions, false);
        }
    }

    private static final Pattern REPEAT = Pattern.compile("(.+?)\\s*\\*\\s*(\\d+)");
    private static final Pattern TYPMOD = Pattern.compile("\\((\\d+)(?:,(\\d+))?\\)");

    private GeneratedColumns() {
    }

    /**
     * Column definitions {@code c1 type, c2 type, ...} from a comma-separated list of types, each
     * optionally repeated ({@code type*N}); commas inside parentheses belong to the type.
     */
    static List<String> definitions(String spec) {
        List<String> definitions = new ArrayList<>();
        for (String entry : splitTopLevel(spec)) {
            String type = entry.strip();
            int times = 1;
            Matcher m = REPEAT.matcher(type);
            if (m.matches()) {
                type = m.group(1).strip();
                times = Integer.parseInt(m.group(2));
            }
            if (type.isEmpty() || times < 1) {
                throw new IllegalArgumentException("--columns: '" + entry.strip() + "' is not a type (write e.g. \"int*10, text, numeric(12,2)\")");
            }
            for (int i = 0; i < times; i++) {
                definitions.add("c" + (definitions.size() + 1) + " " + type);
            }
        }
        if (definitions.isEmpty()) {
            throw new IllegalArgumentException("--columns names no type");
        }
        return definitions;
    }

    /** Past this many entries, a table's types are described by type (each with its count), not in column order. */
    static final int DESCRIBED_IN_ORDER = 12;

    /**
     * A table's column types for a header line, in {@link #definitions}' own syntax: {@code "5
     * columns: bigint, text*3, date"}. Neighbouring columns of one type are counted together; when
     * that still leaves more than {@link #DESCRIBED_IN_ORDER} entries (300 columns of three
     * interleaved types), each type is given once with its count, in the order it first appears.
     */
    static String describe(List<String> types) {
        List<Map.Entry<String, Integer>> runs = new ArrayList<>();
        for (String type : types) {
            if (!runs.isEmpty() && runs.get(runs.size() - 1).getKey().equals(type)) {
                runs.get(runs.size() - 1).setValue(runs.get(runs.size() - 1).getValue() + 1);
            } else {
                runs.add(new AbstractMap.SimpleEntry<>(type, 1));
            }
        }
        Collection<Map.Entry<String, Integer>> entries = runs;
        if (runs.size() > DESCRIBED_IN_ORDER) {
            Map<String, Integer> byType = new LinkedHashMap<>();
            types.forEach(type -> byType.merge(type, 1, Integer::sum));
            entries = byType.entrySet();
        }
        List<String> described = entries.stream().map(e -> e.getKey() + (e.getValue() > 1 ? "*" + e.getValue() : "")).toList();
        return types.size() + (types.size() == 1 ? " column: " : " columns: ") + String.join(", ", described);
    }

    private static List<String> splitTopLevel(String spec) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < spec.length(); i++) {
            char ch = spec.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(spec.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(spec.substring(start));
        return parts;
    }

    /** The table's columns in order, types as PostgreSQL formats them, domains resolved to their base. */
    static List<Column> columns(BenchDatabase pg, String table) throws Exception {
        String sql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                + "CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END, "
                + "t.typtype = 'e', greatest(a.attndims, t.typndims), a.attnotnull FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        List<Column> columns = new ArrayList<>();
        try (Connection c = pg.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getInt(5), rs.getBoolean(6)));
                }
            }
        }
        return columns;
    }

    /** The INSERT filling {@code table} from {@code generate_series(1, {rows}) g}: the first column is g itself. */
    static String insert(String table, List<Column> columns) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String v = value(c, "(g + " + (i * 7919L) + ")");
            String value = i == 0 ? "g" : c.notNull() ? v : "CASE WHEN (g + " + i + ") % 13 = 0 THEN NULL ELSE " + v + " END";
            values.add(value);
        }
        return "INSERT INTO " + table + " SELECT " + String.join(", ", values) + " FROM generate_series(1::bigint, {rows}) g";
    }

    /** One value of column {@code c} from the bigint expression {@code g}, cast to the column's declared type. */
    static String value(Column c, String g) {
        if (c.isEnum()) {
            String all = "(enum_range(NULL::" + c.type() + "))";
            return all + "[1 + (" + g + " % array_length(" + all + ", 1))::int]";
        }
        String base = c.baseType();
        if (base.endsWith("[]")) {
            String element = base.substring(0, base.length() - 2);
            Column e = new Column(null, element, element, false, 0);
            return "CAST(" + array(e, g, Math.max(1, c.dimensions())) + " AS " + c.type() + ")";
        }
        return "CAST(" + scalar(base, g) + " AS " + c.type() + ")";
    }

    /** An array of as many dimensions as its column declares: 3 elements innermost, 2 of each level around them. */
    private static String array(Column element, String g, int dimensions) {
        if (dimensions == 1) {
            return "ARRAY[" + value(element, g) + ", " + value(element, "(" + g + " * 3 + 1)") + ", " + value(element, "(" + g + " * 7 + 2)") + "]";
        }
        return "ARRAY[" + array(element, g, dimensions - 1) + ", " + array(element, "(" + g + " * 5 + 3)", dimensions - 1) + "]";
    }

    /** A value of a scalar base type (as {@code format_type} names it, typmod included) from {@code g}. */
    private static String scalar(String type, String g) {
        String stripped = type.replaceAll("\\(.*?\\)", "").replaceAll("\\s+", " ").strip();
        String name = stripped.startsWith("interval") ? "interval" : stripped;
        Matcher mod = TYPMOD.matcher(type);
        Integer first = null;
        Integer second = null;
        if (mod.find()) {
            first = Integer.parseInt(mod.group(1));
            second = mod.group(2) == null ? null : Integer.parseInt(mod.group(2));
        }
        return switch (name) {
            case "smallint" -> "(" + g + " % 32000)";
            case "integer" -> "(" + g + " * 7919 % 2000000000)";
            case "bigint" -> "(" + g + " * 2654435761)";
            case "numeric" -> first == null ? "((" + g + " * 13 % 100000000000) / 1000.0 * (1 - 2 * (" + g + " % 2)))" : decimal(first, second, g);
            case "real" -> "((" + g + " % 100000) / 7.0)";
            case "double precision" -> "(" + g + " / 3.0)";
            case "boolean" -> "(" + g + " % 2 = 0)";
            case "text", "character varying", "character", "name", "citext" ->
                    "left(repeat(md5(" + g + "::text), 3), (" + g + " % " + Math.min(first == null ? 60 : first, 60) + ")::int + 1)";
            case "\"char\"" -> "chr(65 + (" + g + " % 26)::int)";
            case "date" -> "(date '2000-01-01' + (" + g + " % 10000)::int)";
            case "timestamp without time zone", "timestamp with time zone" -> "(timestamp '2000-01-01 00:00:00' + " + g + " * interval '1.001 second')";
            case "time without time zone", "time with time zone" -> "(time '00:00' + (" + g + " % 86400000) * interval '1 millisecond')";
            case "interval" -> "((" + g + " % 400) * interval '1 month' + (" + g + " % 1000) * interval '1 day' + (" + g
                    + " % 86400000) * interval '1 millisecond')";
            case "uuid" -> "md5(" + g + "::text)::uuid";
            case "json", "jsonb" -> "jsonb_build_object('id', " + g + ", 'name', 'n' || (" + g + " % 1000), 'tags', jsonb_build_array(" + g
                    + " % 7, 'x' || (" + g + " % 11)), 'ok', " + g + " % 2 = 0)";
            case "bytea" -> "decode(repeat(md5(" + g + "::text), 1 + (" + g + " % 3)::int), 'hex')";
            case "inet", "cidr" -> "('10.' || (" + g + " % 256) || '.' || (" + g + " / 256 % 256) || '.' || (" + g + " / 65536 % 256))::inet";
            case "macaddr" -> "('08:00:2b:' || lpad(to_hex(" + g + " % 256), 2, '0') || ':01:02')::macaddr";
            case "money" -> "((" + g + " % 1000000) / 100.0)::numeric::money";
            case "bit", "bit varying" -> "(" + g + " % 256)::int::bit(8)";
            case "macaddr8" -> "('08:00:2b:01:02:03:' || lpad(to_hex(" + g + " % 256), 2, '0') || ':' || lpad(to_hex(" + g + " / 256 % 256), 2, '0'))";
            case "oid" -> "(" + g + " % 4000000000)";
            case "xid" -> "(" + g + " % 4000000000)::text::xid";
            case "pg_lsn" -> "(to_hex(" + g + " / 65536) || '/' || to_hex(" + g + " * 40503 % 4294967296))::pg_lsn";
            case "tsvector" -> "to_tsvector('simple', 'word' || (" + g + " % 1000) || ' other' || (" + g + " % 77) || ' ' || md5(" + g + "::text))";
            case "tsquery" -> "to_tsquery('simple', 'word' || (" + g + " % 1000) || ' & other' || (" + g + " % 77))";
            case "xml" -> "xmlelement(name item, xmlattributes(" + g + " AS id), 'n' || (" + g + " % 1000))";
            case "jsonpath" -> "('$.items[' || (" + g + " % 100) || '].name')::jsonpath";
            case "hstore" -> "hstore(ARRAY['id', 'name', 'tag', 'gone'], ARRAY[" + g + "::text, 'n' || (" + g + " % 1000), md5(" + g
                    + "::text), NULL])";
            default -> geometricOrRange(name, g);
        };
    }

    /** Geometric types, ranges and multiranges; any other type as a number's text, cast (which may fail: then --sql). */
    private static String geometricOrRange(String name, String g) {
        String x = "(" + g + " % 1000)";
        String y = "(" + g + " / 1000 % 1000)";
        String corner = "point(" + x + " + 1, " + y + " + 1)";
        String stamp = "(timestamp '2000-01-01 00:00:00' + " + g + " * interval '1.001 second')";
        return switch (name) {
            case "point" -> "point(" + x + ", " + y + ")";
            case "line" -> "line(point(0, " + x + "), point(1, " + y + "))";
            case "lseg" -> "lseg(point(0, 0), " + corner + ")";
            case "box" -> "box(point(0, 0), " + corner + ")";
            case "path" -> "path(polygon(box(point(0, 0), " + corner + ")))";
            case "polygon" -> "polygon(box(point(0, 0), " + corner + "))";
            case "circle" -> "circle(point(" + x + ", " + y + "), " + x + " + 1)";
            case "int4range" -> "int4range((" + g + " % 1000000000)::int, (" + g + " % 1000000000)::int + " + x + "::int + 1)";
            case "int8range" -> "int8range(" + g + ", " + g + " + " + x + " + 1)";
            case "numrange" -> "numrange(" + g + " / 100.0, " + g + " / 100.0 + " + x + ")";
            case "daterange" -> "daterange(date '2000-01-01' + (" + g + " % 10000)::int, date '2000-01-01' + (" + g + " % 10000)::int + 7)";
            case "tsrange" -> "tsrange(" + stamp + ", " + stamp + " + interval '1 hour')";
            case "tstzrange" -> "tstzrange(" + stamp + "::timestamptz, " + stamp + "::timestamptz + interval '1 hour')";
            default -> name.endsWith("multirange") ? name + "(" + geometricOrRange(name.replace("multirange", "range"), g) + ")" : "(" + g + " % 1000)::text";
        };
    }

    /** numeric(p,s): an integer part of at most p - s digits and a fraction, never rounding past the precision. */
    private static String decimal(int precision, Integer scaleOrNull, String g) {
        int scale = scaleOrNull == null ? 0 : scaleOrNull;
        int digits = Math.min(precision - scale, 15);
        if (digits <= 0) { // p = s: a fraction of at most s digits (15 distinct ones at most), below 1 after rounding
            long unit = (long) Math.pow(10, Math.min(scale, 15));
            return "((" + g + " % " + (unit - 1) + ") / " + unit + ".0)";
        }
        long bound = (long) Math.pow(10, digits) - 1;
        return "(((" + g + " * 7919 % " + bound + ") + (" + g + " % 9) / 10.0) * (1 - 2 * (" + g + " % 2)))";
    }
}
