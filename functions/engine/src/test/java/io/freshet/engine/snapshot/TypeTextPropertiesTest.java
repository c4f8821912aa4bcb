package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.Parity.Canon.TEXT;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.freshet.engine.snapshot.Parity.Col;
import io.freshet.testkit.LocalPostgres;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The types whose text Freshet makes from their binary form (inet, cidr, macaddr, macaddr8, bit,
 * varbit, timetz, tsvector, ranges and multiranges) or reads as text because it travels as text
 * (citext), and two left to the server's cast (xml, hstore): random values and the edges of each
 * format, every one compared with the text PostgreSQL itself gives for it.
 */
class TypeTextPropertiesTest {

    static LocalPostgres pg;

    /** Each column: its name, type and the expression that makes it from one text parameter. */
    static final Map<String, String[]> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("ip", new String[] {"inet", "CAST(? AS inet)"});
        COLUMNS.put("net", new String[] {"cidr", "network(CAST(? AS inet))"});
        COLUMNS.put("mac", new String[] {"macaddr", "CAST(? AS macaddr)"});
        COLUMNS.put("mac8", new String[] {"macaddr8", "CAST(? AS macaddr8)"});
        COLUMNS.put("bits", new String[] {"bit varying", "CAST(? AS bit varying)"});
        COLUMNS.put("b12", new String[] {"bit(12)", "CAST(? AS bit(12))"});
        COLUMNS.put("tz", new String[] {"time with time zone", "CAST(? AS timetz)"});
        COLUMNS.put("ci", new String[] {"citext", "CAST(? AS citext)"});
        COLUMNS.put("doc", new String[] {"xml", "CAST(? AS xml)"});
        COLUMNS.put("ir", new String[] {"int4range", "CAST(? AS int4range)"});
        COLUMNS.put("br", new String[] {"int8range", "CAST(? AS int8range)"});
        COLUMNS.put("nr", new String[] {"numrange", "CAST(? AS numrange)"});
        COLUMNS.put("dr", new String[] {"daterange", "CAST(? AS daterange)"});
        COLUMNS.put("tr", new String[] {"tsrange", "CAST(? AS tsrange)"});
        COLUMNS.put("tzr", new String[] {"tstzrange", "CAST(? AS tstzrange)"});
        COLUMNS.put("imr", new String[] {"int4multirange", "CAST(? AS int4multirange)"});
        COLUMNS.put("tzmr", new String[] {"tstzmultirange", "CAST(? AS tstzmultirange)"});
        COLUMNS.put("h", new String[] {"hstore", "CAST(? AS hstore)"});
        COLUMNS.put("tv", new String[] {"tsvector", "CAST(? AS tsvector)"});
        COLUMNS.put("ips", new String[] {"inet[]", "CAST(CAST(? AS text[]) AS inet[])"});
        COLUMNS.put("tzs", new String[] {"timetz[]", "CAST(CAST(? AS text[]) AS timetz[])"});
        COLUMNS.put("bitss", new String[] {"varbit[]", "CAST(CAST(? AS text[]) AS varbit[])"});
    }


    @BeforeContainer
    static void start() {
        pg = LocalPostgres.start();
        String columns = COLUMNS.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0]).collect(Collectors.joining(", "));
        pg.execute("CREATE EXTENSION citext; CREATE EXTENSION hstore; CREATE TABLE typed (id int PRIMARY KEY, " + columns + ")");
    }

    @AfterContainer
    static void stop() {
        pg.close();
    }

    /** One row: each scalar as PostgreSQL input text (null for NULL), then the three arrays' elements. */
    record Row(List<String> scalars, List<String> ips, List<String> times, List<String> bitStrings) {
    }

    @Property(tries = 30)
    void randomValuesReadAsPostgresqlPrintsThem(@ForAll("rows") List<Row> rows) throws Exception {
        assertRoundTrip(rows);
    }

    /** Each format's edges: zero runs of every length and place, IPv4 inside IPv6, masks, zone offsets of seconds, xml declarations. */
    @Example
    void edgesReadAsPostgresqlPrintsThem() throws Exception {
        List<String> ips = List.of("::", "::1", "::2", "1::", "::ffff:1.2.3.4", "::1.2.3.4", "::ffff:0:1.2.3.4", "::fffe:1.2.3.4", "1:0:0:2:0:0:0:3",
                "1:0:0:2:0:0:3:4", "0:0:1:0:0:1:0:0", "1:0:1:0:1:0:1:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32", "fe80::1",
                "0.0.0.0/0", "255.255.255.255", "10.1.2.3/8", "192.168.0.0/24", "::/0", "::1.2.3.4/100", "::ffff:0.0.0.0/96");
        List<String> times = List.of("00:00:00+00", "24:00:00-15:59:59", "23:59:59.999999+15:59:59", "12:00:00.5+05:30", "12:00:00.000001-00:00:30",
                "01:02:03.120000+01:00:01", "00:00:00.1-12");
        List<String> docs = List.of("<a/>", "<?xml version=\"1.0\"?>\n<a>x</a>", "<?xml version=\"1.0\" standalone=\"yes\"?><a/>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><b>ünï &amp; 🚇</b>", "text &lt; only", "");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            String ip = ips.get(i);
            String time = times.get(i % times.size());
            rows.add(new Row(Arrays.asList(ip, ip, "08:00:2b:01:02:0" + (i % 10), "08:00:2b:01:02:03:04:" + String.format("%02x", i * 11),
                    "1".repeat(i) + "0".repeat(i % 3), "101010101010", time, i % 2 == 0 ? "MiXeD Case " + i : "", docs.get(i % docs.size()),
                    RANGE_EDGES.get(i % RANGE_EDGES.size())[0], RANGE_EDGES.get(i % RANGE_EDGES.size())[1], RANGE_EDGES.get(i % RANGE_EDGES.size())[2],
                    RANGE_EDGES.get(i % RANGE_EDGES.size())[3], RANGE_EDGES.get(i % RANGE_EDGES.size())[4], RANGE_EDGES.get(i % RANGE_EDGES.size())[5],
                    "{" + RANGE_EDGES.get(i % RANGE_EDGES.size())[0] + "," + RANGE_EDGES.get((i + 1) % RANGE_EDGES.size())[0] + "}",
                    i % 3 == 0 ? "{}" : "{" + RANGE_EDGES.get(i % RANGE_EDGES.size())[5] + "}", HSTORE_EDGES.get(i % HSTORE_EDGES.size()),
                    TSVECTOR_EDGES.get(i % TSVECTOR_EDGES.size())),
                    ips, times, List.of("", "1", "0".repeat(i))));
        }
        assertRoundTrip(rows);
    }

    /** Per edge case, an int4range, int8range, numrange, daterange, tsrange and tstzrange. */
    static final List<String[]> RANGE_EDGES = List.of(
            new String[] {"empty", "empty", "empty", "empty", "empty", "empty"},
            new String[] {"(,)", "(,)", "(,)", "(,)", "(,)", "(,)"},
            new String[] {"[-2147483648,2147483646]", "[-9223372036854775808,9223372036854775806]", "(-0.0001,1e30]",
                "[4713-01-01 BC,5874897-12-30]", "[4713-01-01 00:00:00 BC,294276-12-31 23:59:59.999999]",
                "(-infinity,infinity)"},
            new String[] {"[5,)", "(,5]", "[NaN,NaN]", "[-infinity,infinity]", "[-infinity,\"2000-01-01 00:00:00.000001\")", "[infinity,]"},
            new String[] {"[0,1)", "[0,0]", "[0,0]", "[0001-12-31 BC,0001-01-01]", "(1999-12-31 23:59:59.5,2000-01-01)",
                "[1969-12-31 23:59:59.999999+00,1970-01-01 00:00:00+00]"},
            new String[] {"(1,2)", "(-1,0]", "(-1.50,)", "(,2026-01-31)", "[0044-03-15 12:00:00 BC,)", "[0044-03-15 12:00:00+02 BC,)"});

    static final List<String> HSTORE_EDGES = List.of("", "a=>NULL", "\"\"=>\"\"", "\"q\\\"uote\"=>\"back\\\\slash\"",
            "b=>2, a=>1, a=>3", "\"=>\"=>\", \", \"NULL\"=>\"NULL\", \"ünï 🚇\"=>\"\n\t\"");

    static final List<String> TSVECTOR_EDGES = List.of("", "'a':1A,2B,3C,4 b", "'it''s' 'back\\\\slash' 'two words':16383D", "'ünï🚇':7",
            "z y x:3 x:1 a:2");

    private static void assertRoundTrip(List<Row> rows) throws Exception {
        try (Connection c = pg.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("TRUNCATE typed");
            }
            String values = COLUMNS.values().stream().map(v -> v[1]).collect(Collectors.joining(", "));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO typed VALUES (?, " + values + ")")) {
                int id = 0;
                for (Row row : rows) {
                    int p = 1;
                    ps.setInt(p++, id++);
                    for (String v : row.scalars()) {
                        ps.setString(p++, v);
                    }
                    for (List<String> array : Arrays.asList(row.ips(), row.times(), row.bitStrings())) {
                        ps.setArray(p++, array == null ? null : c.createArrayOf("text", array.toArray()));
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        List<Col> cols = new ArrayList<>(List.of(Col.of("id", TEXT)));
        COLUMNS.keySet().forEach(name -> cols.add(COLUMNS.get(name)[0].endsWith("[]") ? Col.arrayOf(name, TEXT) : Col.of(name, TEXT)));
        Parity.assertSnapshotReadsBack(pg, "typed", rows.size(), cols);
    }

    @Provide
    Arbitrary<List<Row>> rows() {
        Arbitrary<String> ip = Arbitraries.oneOf(ipv4(), ipv6());
        List<Arbitrary<String>> scalars = List.of(ip, ip, macaddr(6), macaddr(8), bitString(90), Arbitraries.strings().withChars('0', '1').ofLength(12), timetz(),
                RoundTripPropertiesTest.texts(), xml(), range(Arbitraries.integers().lessOrEqual(Integer.MAX_VALUE - 1).map(v -> (long) v), Object::toString),
                range(Arbitraries.longs().lessOrEqual(Long.MAX_VALUE - 1), Object::toString), range(NUMBERS, TypeTextPropertiesTest::numberText),
                range(Arbitraries.longs().between(-2_451_545, 2_145_031_947), TypeTextPropertiesTest::dateText),
                range(MICROS, us -> stampText(us, "")), range(MICROS, us -> stampText(us, "+00")),
                multirange(range(Arbitraries.integers().between(-1000, 1000).map(v -> (long) v), Object::toString)),
                multirange(range(MICROS, us -> stampText(us, "+00"))), hstore(), tsvector());
        List<Arbitrary<Object>> nullable = new ArrayList<>();
        for (Arbitrary<String> a : scalars) {
            nullable.add(a.injectNull(0.15).map(v -> (Object) v));
        }
        Arbitrary<List<String>> scalarRow = Combinators.combine(nullable).as(values -> values.stream().map(v -> (String) v).toList());
        Arbitrary<List<String>> ips = ip.injectNull(0.2).list().ofMaxSize(4).injectNull(0.2);
        Arbitrary<List<String>> times = timetz().injectNull(0.2).list().ofMaxSize(4).injectNull(0.2);
        Arbitrary<List<String>> bitStrings = bitString(20).injectNull(0.2).list().ofMaxSize(4).injectNull(0.2);
        return Combinators.combine(scalarRow, ips, times, bitStrings).as(Row::new).list().ofMinSize(1).ofMaxSize(25);
    }

    /** Mostly whole addresses (no mask printed), else any mask length. */
    static Arbitrary<Integer> mask(int bits) {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(bits)), Tuple.of(2, Arbitraries.integers().between(0, bits)));
    }

    static Arbitrary<String> ipv4() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(4), mask(32)).as((a, bits) ->
                (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff) + "/" + bits);
    }

    /** Eight groups, half of them zero (so that runs of every length and place occur), some all ones. */
    static Arbitrary<String> ipv6() {
        Arbitrary<Integer> group = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(0)), Tuple.of(1, Arbitraries.just(0xffff)),
                Tuple.of(4, Arbitraries.integers().between(1, 0xffff)));
        return Combinators.combine(group.list().ofSize(8), mask(128)).as((groups, bits) ->
                groups.stream().map(Integer::toHexString).collect(Collectors.joining(":")) + "/" + bits);
    }

    static Arbitrary<String> macaddr(int bytes) {
        return Arbitraries.bytes().array(byte[].class).ofSize(bytes).map(a -> HexFormat.ofDelimiter(":").formatHex(a));
    }

    static Arbitrary<String> bitString(int maxBits) {
        return Arbitraries.strings().withChars('0', '1').ofMaxLength(maxBits);
    }

    /** Any time of day (24:00:00 included) at an offset of whole hours, of minutes, or of seconds, east or west. */
    static Arbitrary<String> timetz() {
        Arbitrary<Long> micros = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(0, 86_399_999_999L)),
                Tuple.of(1, Arbitraries.longs().between(0, 86_399).map(s -> s * 1_000_000)), Tuple.of(1, Arbitraries.just(86_400_000_000L)));
        int limit = 15 * 3600 + 59 * 60 + 59;
        Arbitrary<Integer> offset = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(-15, 15).map(h -> h * 3600)),
                Tuple.of(2, Arbitraries.integers().between(-limit / 60, limit / 60).map(m -> m * 60)),
                Tuple.of(1, Arbitraries.integers().between(-limit, limit)));
        return Combinators.combine(micros, offset).as((us, off) -> RoundTripPropertiesTest.timeText(us) + (off < 0 ? "-" : "+")
                + String.format("%02d:%02d:%02d", Math.abs(off) / 3600, Math.abs(off) / 60 % 60, Math.abs(off) % 60));
    }

    /** Microseconds from PostgreSQL's epoch, 4713 BC to 294276 AD, and the infinities. */
    static final Arbitrary<Long> MICROS = Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.longs().between(-211_813_488_000_000_000L, 9_223_371_331_199_999_999L)),
            Tuple.of(2, Arbitraries.longs().between(-1_000_000_000_000L, 1_000_000_000_000L)),
            Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE)));

    /** Numerics as unscaled values of scale 4, ordered as their values are. */
    static final Arbitrary<Long> NUMBERS = Arbitraries.longs().between(-999_999_999_999L, 999_999_999_999L);

    static String numberText(long v) {
        return BigDecimal.valueOf(v, 4).toPlainString();
    }

    static String dateText(long pgDays) {
        LocalDate d = LocalDate.ofEpochDay(pgDays + 10_957);
        String ymd = String.format("%04d-%02d-%02d", d.getYear() > 0 ? d.getYear() : 1 - d.getYear(), d.getMonthValue(), d.getDayOfMonth());
        return d.getYear() > 0 ? ymd : ymd + " BC";
    }

    static String stampText(long pgMicros, String zone) {
        if (pgMicros == Long.MIN_VALUE || pgMicros == Long.MAX_VALUE) {
            return pgMicros > 0 ? "infinity" : "-infinity";
        }
        long day = Math.floorDiv(pgMicros, 86_400_000_000L);
        String date = dateText(day);
        String time = RoundTripPropertiesTest.timeText(Math.floorMod(pgMicros, 86_400_000_000L)) + zone;
        return date.endsWith(" BC") ? date.replace(" BC", " " + time + " BC") : date + " " + time;
    }

    /**
     * A range of two random bounds in order, either of them open, each end inclusive or not; or
     * empty. (Values stop one short of their type's end: a discrete range's inclusive upper bound
     * is stored plus one.)
     */
    static Arbitrary<String> range(Arbitrary<Long> values, Function<Long, String> text) {
        Arbitrary<String> bounded = Combinators.combine(values, values, Arbitraries.of("[", "("), Arbitraries.of("]", ")"),
                Arbitraries.integers().between(0, 5)).as((a, b, open, close, unbounded) -> {
                    String lower = unbounded == 1 ? "" : "\"" + text.apply(Math.min(a, b)) + "\"";
                    String upper = unbounded == 2 ? "" : "\"" + text.apply(Math.max(a, b)) + "\"";
                    return open + lower + "," + upper + close;
                });
        return Arbitraries.frequencyOf(Tuple.of(12, bounded), Tuple.of(1, Arbitraries.just("empty")));
    }

    static Arbitrary<String> multirange(Arbitrary<String> ranges) {
        return ranges.list().ofMaxSize(4).map(list -> "{" + String.join(",", list) + "}");
    }

    /** Up to five pairs of any text, values NULL now and then, in hstore's input syntax. */
    static Arbitrary<String> hstore() {
        Arbitrary<String> value = RoundTripPropertiesTest.texts().map(TypeTextPropertiesTest::hstoreQuoted).injectNull(0.2).map(v -> v == null ? "NULL" : v);
        return Combinators.combine(RoundTripPropertiesTest.texts().map(TypeTextPropertiesTest::hstoreQuoted), value).as((k, v) -> k + "=>" + v)
                .list().ofMaxSize(5).map(pairs -> String.join(", ", pairs));
    }

    /** Up to six lexemes of any text, each with up to four positions of any weight, in tsvector's input syntax. */
    static Arbitrary<String> tsvector() {
        Arbitrary<String> position = Combinators.combine(Arbitraries.integers().between(1, 16383), Arbitraries.of("", "A", "B", "C", "D"))
                .as((n, weight) -> n + weight);
        Arbitrary<String> lexeme = Combinators.combine(RoundTripPropertiesTest.texts().filter(t -> !t.isEmpty()), position.list().ofMaxSize(4))
                .as((text, positions) -> "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
                        + (positions.isEmpty() ? "" : ":" + String.join(",", positions)));
        return lexeme.list().ofMaxSize(6).map(list -> String.join(" ", list));
    }

    private static String hstoreQuoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static Arbitrary<String> xml() {
        return RoundTripPropertiesTest.texts().map(t -> "<r a=\"" + escape(t).replace("\"", "&quot;") + "\">" + escape(t) + "<e/></r>");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().filter(cp -> cp >= 0x20 || cp == '\n' || cp == '\t').forEach(cp -> {
            switch (cp) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                default -> b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
