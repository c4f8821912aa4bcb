package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.Parity.Canon.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * varbit, timetz) or reads as text because it travels as text (xml, citext): random values and the
 * edges of each format, every one compared with the text PostgreSQL itself prints for it.
 */
class TypeTextPropertiesTest {

    static LocalPostgres pg;
    static PgConnectionInfo info;

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
        COLUMNS.put("ips", new String[] {"inet[]", "CAST(CAST(? AS text[]) AS inet[])"});
        COLUMNS.put("tzs", new String[] {"timetz[]", "CAST(CAST(? AS text[]) AS timetz[])"});
        COLUMNS.put("bitss", new String[] {"varbit[]", "CAST(CAST(? AS text[]) AS varbit[])"});
    }

    static final int SCALARS = 9;

    @BeforeContainer
    static void start() {
        pg = LocalPostgres.start();
        info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
        String columns = COLUMNS.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0]).collect(Collectors.joining(", "));
        pg.execute("CREATE EXTENSION citext; CREATE TABLE typed (id int PRIMARY KEY, " + columns + ")");
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
                    "1".repeat(i) + "0".repeat(i % 3), "101010101010", time, i % 2 == 0 ? "MiXeD Case " + i : "", docs.get(i % docs.size())),
                    ips, times, List.of("", "1", "0".repeat(i))));
        }
        assertRoundTrip(rows);
    }

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
        Path work = Files.createTempDirectory("freshet-types");
        try {
            TableSnapshot t = new PostgresSnapshot().snapshot(info, List.of(TableRequest.full("public", "typed", "raw.typed")), work,
                    new SnapshotSettings("64MB", 1, work.resolve("spill"), 1)).tables().get(0);
            assertEquals(rows.size(), t.rows());
            List<Col> cols = new ArrayList<>(List.of(Col.of("id", TEXT)));
            COLUMNS.keySet().forEach(name -> cols.add(COLUMNS.get(name)[0].endsWith("[]") ? Col.arrayOf(name, TEXT) : Col.of(name, TEXT)));
            Parity.assertSameRows(pg, "typed", null, t.parquetFiles().get(0), "id", cols);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<List<Row>> rows() {
        Arbitrary<String> ip = Arbitraries.oneOf(ipv4(), ipv6());
        List<Arbitrary<String>> scalars = List.of(ip, ip, macaddr(6), macaddr(8), bitString(90), Arbitraries.strings().withChars('0', '1').ofLength(12), timetz(),
                RoundTripPropertiesTest.texts(), xml());
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
