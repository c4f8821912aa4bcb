package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.Parity.Canon.BYTEA;
import static io.freshet.engine.snapshot.Parity.Canon.DATE;
import static io.freshet.engine.snapshot.Parity.Canon.DECIMAL;
import static io.freshet.engine.snapshot.Parity.Canon.FLOAT;
import static io.freshet.engine.snapshot.Parity.Canon.INSTANT;
import static io.freshet.engine.snapshot.Parity.Canon.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import io.freshet.engine.snapshot.Parity.Col;
import io.freshet.testkit.LocalPostgres;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random rows of mixed types, NULLs everywhere, through a snapshot: whatever PostgreSQL holds comes
 * back from Parquet exactly.
 */
class RoundTripPropertiesTest {

    static LocalPostgres pg;

    static final String[] TYPES = {"bigint", "numeric(18,6)", "numeric", "double precision", "real", "text", "boolean", "date",
        "timestamp", "timestamptz", "uuid", "bytea", "jsonb", "time", "interval"};

    static final List<Col> COLUMNS = List.of(Col.of("id", TEXT), Col.of("c0", TEXT), Col.of("c1", DECIMAL), Col.of("c2", TEXT),
            Col.of("c3", FLOAT), Col.of("c4", FLOAT), Col.of("c5", TEXT), Col.of("c6", TEXT), Col.of("c7", DATE), Col.of("c8", INSTANT),
            Col.of("c9", INSTANT), Col.of("c10", TEXT), Col.of("c11", BYTEA), Col.of("c12", TEXT), Col.of("c13", Parity.Canon.TIME), Col.of("c14", TEXT),
            Col.arrayOf("ints", TEXT), Col.arrayOf("texts", TEXT), Col.arrayOf("stamps", INSTANT));

    @BeforeContainer
    static void start() {
        pg = LocalPostgres.start();
        StringBuilder ddl = new StringBuilder("CREATE TABLE prop (id int PRIMARY KEY");
        for (int i = 0; i < TYPES.length; i++) {
            ddl.append(", c").append(i).append(' ').append(TYPES[i]);
        }
        pg.execute(ddl.append(", ints int[], texts text[], stamps timestamptz[])").toString());
    }

    @AfterContainer
    static void stop() {
        pg.close();
    }

    /** One row: each scalar as PostgreSQL input text (null for NULL), then the three arrays. */
    record Row(List<String> scalars, List<Integer> ints, List<String> texts, List<String> stamps) {
    }

    @Property(tries = 40)
    void randomRowsRoundTripExactly(@ForAll("rows") List<Row> rows) throws Exception {
        try (Connection c = pg.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("TRUNCATE prop");
            }
            StringBuilder sql = new StringBuilder("INSERT INTO prop VALUES (?");
            for (String type : TYPES) {
                sql.append(", CAST(? AS ").append(type).append(')');
            }
            sql.append(", ?, ?, CAST(CAST(? AS text[]) AS timestamptz[]))");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int id = 0;
                for (Row row : rows) {
                    int p = 1;
                    ps.setInt(p++, id++);
                    for (String v : row.scalars()) {
                        ps.setString(p++, v);
                    }
                    ps.setArray(p++, row.ints() == null ? null : c.createArrayOf("int4", row.ints().toArray()));
                    ps.setArray(p++, row.texts() == null ? null : c.createArrayOf("text", row.texts().toArray()));
                    ps.setArray(p++, row.stamps() == null ? null : c.createArrayOf("text", row.stamps().toArray()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        Parity.assertSnapshotReadsBack(pg, "prop", rows.size(), COLUMNS);
    }

    @Provide
    Arbitrary<List<Row>> rows() {
        List<Arbitrary<String>> scalars = List.of(
                Arbitraries.longs().map(Object::toString),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(18).negate().add(BigInteger.ONE), BigInteger.TEN.pow(18).subtract(BigInteger.ONE))
                        .map(u -> new BigDecimal(u, 6).toPlainString()),
                freeNumerics(),
                doubles(),
                floats(),
                texts(),
                Arbitraries.of("true", "false"),
                dates(),
                timestamps(false),
                timestamps(true),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((a, b) -> new UUID(a, b).toString()),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> "\\x" + HexFormat.of().formatHex(b)),
                json(),
                Arbitraries.longs().between(0, 86_400_000_000L).map(RoundTripPropertiesTest::timeText),
                intervals());
        List<Arbitrary<Object>> nullable = new ArrayList<>();
        for (Arbitrary<String> a : scalars) {
            nullable.add(a.injectNull(0.15).map(v -> (Object) v));
        }
        Arbitrary<List<String>> scalarRow = Combinators.combine(nullable).as(values -> values.stream().map(v -> (String) v).toList());
        Arbitrary<List<Integer>> ints = Arbitraries.integers().injectNull(0.2).list().ofMaxSize(6).injectNull(0.2);
        Arbitrary<List<String>> textList = texts().injectNull(0.2).list().ofMaxSize(5).injectNull(0.2);
        Arbitrary<List<String>> stamps = timestamps(true).injectNull(0.2).list().ofMaxSize(4).injectNull(0.2);
        return Combinators.combine(scalarRow, ints, textList, stamps).as(Row::new).list().ofMaxSize(30);
    }

    static Arbitrary<String> freeNumerics() {
        Arbitrary<String> finite = Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
                Arbitraries.integers().between(0, 30)).as((u, s) -> new BigDecimal(u, s).toPlainString());
        return Arbitraries.frequencyOf(Tuple.of(10, finite), Tuple.of(1, Arbitraries.of("NaN", "Infinity", "-Infinity", "0", "-0.000")));
    }

    static Arbitrary<String> doubles() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().map(bits -> Double.longBitsToDouble(bits)).filter(d -> !Double.isNaN(d)).map(d -> Double.toString(d))),
                Tuple.of(2, Arbitraries.of("NaN", "Infinity", "-Infinity", "-0", "0", "4.9E-324", "1.7976931348623157E308", "0.1")));
    }

    static Arbitrary<String> floats() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().map(Float::intBitsToFloat).filter(f -> !Float.isNaN(f)).map(f -> Float.toString(f))),
                Tuple.of(2, Arbitraries.of("NaN", "Infinity", "-Infinity", "-0", "1.4E-45", "3.4028235E38")));
    }

    static Arbitrary<String> texts() {
        Arbitrary<String> chars = Arbitraries.strings()
                .withCharRange('\u0001', '\u007f')
                .withCharRange('\u00a0', '\u024f')
                .withCharRange('\u4e00', '\u4e10')
                .withChars('"', '\'', '\\', ',', '{', '}', '\n', '\r', '\t', ' ')
                .ofMaxLength(30);
        Arbitrary<String> emoji = Arbitraries.of("", "", "🚇", "🎉👍🏽", "NULL", "\\N");
        return Combinators.combine(chars, emoji).as(String::concat);
    }

    static Arbitrary<String> dates() {
        Arbitrary<String> ad = Arbitraries.longs().between(LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay())
                .map(d -> LocalDate.ofEpochDay(d).toString());
        Arbitrary<String> bc = Arbitraries.integers().between(1, 4712).map(y -> String.format("%04d-06-15 BC", y));
        return Arbitraries.frequencyOf(Tuple.of(10, ad), Tuple.of(1, bc),
                Tuple.of(1, Arbitraries.of("infinity", "-infinity")));
    }

    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    static Arbitrary<String> timestamps(boolean withZone) {
        Arbitrary<String> local = Arbitraries.longs()
                .between(LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC), LocalDateTime.of(9999, 12, 31, 0, 0).toEpochSecond(ZoneOffset.UTC))
                .flatMap(s -> Arbitraries.integers().between(0, 999_999).map(us -> LocalDateTime.ofEpochSecond(s, us * 1000, ZoneOffset.UTC).format(STAMP)));
        if (withZone) {
            local = Combinators.combine(local, Arbitraries.of("+00", "+02", "-05", "+05:30", "+13:45", "-09:30")).as(String::concat);
        }
        return Arbitraries.frequencyOf(Tuple.of(20, local), Tuple.of(1, Arbitraries.of("infinity", "-infinity")));
    }

    static Arbitrary<String> json() {
        return Combinators.combine(texts(), Arbitraries.integers(), Arbitraries.of("[]", "{}", "null", "true", "[1, 2.5e10, -0.0001]"))
                .as((s, n, other) -> "{\"s\": \"" + jsonEscape(s) + "\", \"n\": " + n + ", \"o\": " + other + ", \"nested\": {\"list\": [" + n + ", null]}}");
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /**
     * Intervals in PostgreSQL's input syntax, each part (months, days, time) zero, small or near its
     * type's range, of either sign, so that every branch of PostgreSQL's output format is taken; and
     * PostgreSQL 17's infinities.
     */
    static Arbitrary<String> intervals() {
        Arbitrary<Integer> part = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)), Tuple.of(4, Arbitraries.integers().between(-40, 40)),
                Tuple.of(2, Arbitraries.integers().between(-2_000_000_000, 2_000_000_000)));
        Arbitrary<Long> time = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(2, Arbitraries.longs().between(-1_000_000, 1_000_000)),
                Tuple.of(3, Arbitraries.longs().between(-400_000_000_000L, 400_000_000_000L)),
                Tuple.of(2, Arbitraries.longs().between(-9_000_000_000_000_000_000L, 9_000_000_000_000_000_000L)));
        Arbitrary<String> finite = Combinators.combine(part, part, time).as((months, days, micros) -> months + " mons " + days + " days "
                + (micros < 0 ? "-" : "") + timeOfInterval(Math.abs(micros)));
        return Arbitraries.frequencyOf(Tuple.of(30, finite), Tuple.of(1, Arbitraries.of("infinity", "-infinity")));
    }

    private static String timeOfInterval(long micros) {
        return String.format("%d:%02d:%02d.%06d", micros / 3_600_000_000L, micros / 60_000_000 % 60, micros / 1_000_000 % 60, micros % 1_000_000);
    }

    static String timeText(long micros) {
        return String.format("%02d:%02d:%02d.%06d", micros / 3_600_000_000L, micros / 60_000_000 % 60, micros / 1_000_000 % 60, micros % 1_000_000);
    }

    /** Watermarks are written back in PostgreSQL's input syntax: any timestamp it can hold reads back as itself. */
    @Property(tries = 300)
    void timestampWatermarkTextReadsBackExactly(@ForAll @LongRange(min = -211_813_488_000_000_000L, max = 9_223_371_331_199_999_999L) long pgMicros,
                                               @ForAll boolean withZone) throws Exception {
        String text = PgValues.pgTimestampText(pgMicros, withZone);
        // extract(epoch ...) rounds near the end of the range; the interval's fields are exact.
        String value = withZone ? "(CAST(? AS timestamptz) AT TIME ZONE 'UTC')" : "CAST(? AS timestamp)";
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT (extract(day FROM iv) * 86400000000 + extract(hour FROM iv) * 3600000000"
                + " + extract(minute FROM iv) * 60000000 + extract(microseconds FROM iv))::bigint, " + value + "::text FROM (SELECT "
                + value + " - timestamp '2000-01-01' AS iv) x")) {
            ps.setString(1, text);
            ps.setString(2, text);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(pgMicros, rs.getLong(1), text);
                assertEquals(withZone ? text.replace("+00", "") : text, rs.getString(2), "PostgreSQL renders it back as written");
            }
        }
    }

    @Property(tries = 200)
    void dateWatermarkTextReadsBackExactly(@ForAll @LongRange(min = -2_451_545, max = 2_145_031_948) long pgDays) throws Exception {
        String text = PgValues.pgDateText((int) pgDays);
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS date) - DATE '2000-01-01'")) {
            ps.setString(1, text);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(pgDays, rs.getLong(1), text);
            }
        }
    }
}
