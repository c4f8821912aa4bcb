import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import com.github.luben.zstd.Zstd;

import org.duckdb.DuckDBDriver;

/**
 * What a Parquet writer of Freshet's own would cost, before anyone builds one (docs/performance.md,
 * "A writer of our own, measured before it is built").
 *
 * <p>Makes {@code bench snapshot}'s 8-column ({@code narrow}) or 22-column ({@code wide}) table in
 * an in-memory DuckDB ({@code bench/writer-shapes/}: run it from the repository's root), or loads
 * the first rows of any Parquet file, then reads it into column arrays laid out as Freshet's
 * batches hold them, then, on one thread and timed by that thread's CPU, alternates: DuckDB's writer ({@code COPY} of the same rows, from memory, with the options given) and a plain
 * Java encoder of the same values that does what a Parquet writer must do for each column chunk of
 * a row group: definition and repetition levels, min/max statistics, a dictionary until it passes
 * 1,024 distinct values, plain values otherwise, zstd level 1 over each page (the same libzstd,
 * through zstd-jni), and the pages written to a file. It leaves out what costs nothing per row:
 * the page headers and the footer (so its output is not a Parquet file). Its levels are one
 * bit-packed run each, not RLE, which only makes it slower.
 *
 * <pre>
 * ./mvnw -q dependency:copy -Dartifact=com.github.luben:zstd-jni:1.5.7-21 -DoutputDirectory=/tmp/enc
 * ./mvnw -q dependency:copy -Dartifact=org.duckdb:duckdb_jdbc:2.0.0.1 -DoutputDirectory=/tmp/enc
 * java --enable-native-access=ALL-UNNAMED -cp '/tmp/enc/*' bench/encoder-alone/ParquetEncoderAlone.java narrow|wide|FILE.parquet [ROWS]
 * </pre>
 */
public final class ParquetEncoderAlone {

    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Freshet's row groups and dictionary limit ({@code DuckDbParquet}). */
    static final int ROW_GROUP = 30_720;
    static final int DICTIONARY_LIMIT = 1024;
    static final String FRESHET_OPTIONS = "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 30720, "
            + "ROW_GROUP_SIZE_BYTES 33554432, DICTIONARY_SIZE_LIMIT 1024)";
    static final int PASSES = 4;

    private ParquetEncoderAlone() {
    }

    public static void main(String[] args) throws Exception {
        String source = args[0];
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path work = Files.createTempDirectory("encoder-alone");
        Properties p = new Properties();
        p.setProperty("threads", "1"); // DuckDB's COPY then runs on this thread, whose CPU is the clock
        p.setProperty("preserve_insertion_order", "false");
        try (Connection duck = new DuckDBDriver().connect("jdbc:duckdb:", p); Statement s = duck.createStatement()) {
            // the issue's two tables, as duckdb-writer-alone.py makes the wide one, or a file's rows
            String shape = source.equals("narrow") || source.equals("wide")
                    ? Files.readString(Path.of("bench", "writer-shapes", source + ".sql"))
                    : "SELECT * FROM read_parquet('" + Path.of(source).toAbsolutePath() + "')";
            s.execute("CREATE TABLE t AS SELECT * FROM (" + shape.replace("{rows}", Integer.toString(rows)).strip() + ") LIMIT " + rows);
            List<Column> columns = Column.load(s);
            rows = columns.get(0).rows;
            System.out.printf("%,d rows, %d columns of %s%n", rows, columns.size(), source);
            Path duckFile = work.resolve("duckdb.parquet");
            Path ownFile = work.resolve("own.pages");
            for (int pass = 1; pass <= PASSES; pass++) {
                long start = cpu();
                s.execute("COPY t TO '" + duckFile + "' " + FRESHET_OPTIONS);
                long duckDb = cpu() - start;
                Encoder encoder = new Encoder(columns.size());
                start = cpu();
                encoder.write(columns, rows, ownFile);
                long own = cpu() - start;
                System.out.printf("pass %d  DuckDB's writer %.3f us/row (%d MB)  the encoder %.3f us/row (%d MB, zstd %.3f)  encoder / DuckDB %.2f%n",
                        pass, duckDb / 1e3 / rows, Files.size(duckFile) >> 20, own / 1e3 / rows, Files.size(ownFile) >> 20,
                        encoder.zstdNanos / 1e3 / rows, (double) own / duckDb);
                if (pass == PASSES) {
                    StringBuilder line = new StringBuilder("the encoder by column, us/row:");
                    for (int i = 0; i < columns.size(); i++) {
                        line.append(String.format(" %s %.3f", columns.get(i).name, encoder.columnNanos[i] / 1e3 / rows));
                    }
                    System.out.println(line);
                }
            }
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(work);
        }
    }

    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /**
     * One column's values, all rows: fixed-width little-endian in {@link #fixed} (as DuckDB's
     * vectors and Freshet's batches hold them), or strings in {@link #payload} with their
     * {@link #lengths} (-1 for NULL); a list has its rows' element counts (-1 for NULL) and its
     * elements as a column of their own.
     */
    static final class Column {
        final String name;
        final int width;
        final int[] listLengths;
        final Column elements;
        int rows;
        boolean[] isNull = new boolean[1024];
        byte[] fixed;
        int[] lengths = new int[1024];
        byte[] payload = new byte[1 << 16];
        int payloadLength;

        Column(String name, int width, boolean list, int rows) {
            this.name = name;
            this.width = width;
            this.listLengths = list ? new int[rows] : null;
            this.elements = list ? new Column(name + ".element", width, false, rows) : null;
            this.fixed = width > 0 ? new byte[1024 * width] : null;
        }

        /** Every column of table {@code t}, its values read in the forms a writer receives. */
        static List<Column> load(Statement s) throws Exception {
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (ResultSet r = s.executeQuery("DESCRIBE t")) {
                while (r.next()) {
                    names.add(r.getString(1));
                    types.add(r.getString(2));
                }
            }
            int count;
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
                r.next();
                count = r.getInt(1);
            }
            List<Column> columns = new ArrayList<>();
            StringBuilder select = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                String type = types.get(i);
                boolean list = type.endsWith("[]");
                String scalar = list ? type.substring(0, type.length() - 2) : type;
                columns.add(new Column(names.get(i), width(scalar), list, count));
                select.append(i == 0 ? "" : ", ").append(stored(scalar, "\"" + names.get(i).replace("\"", "\"\"") + "\""));
            }
            try (ResultSet r = s.executeQuery("SELECT " + select + " FROM t")) {
                int row = 0;
                while (r.next()) {
                    for (int i = 0; i < columns.size(); i++) {
                        columns.get(i).add(row, r.getObject(i + 1));
                    }
                    row++;
                }
                for (Column c : columns) {
                    c.rows = row;
                }
            }
            return columns;
        }

        /** Instants as microseconds, dates as days, decimals unscaled (as Parquet stores them); lists element-wise the same. */
        private static String stored(String scalar, String ref) {
            if (scalar.startsWith("TIMESTAMP")) {
                return "epoch_us(" + ref + ")";
            }
            if (scalar.equals("DATE")) {
                return "(" + ref + " - DATE '1970-01-01')";
            }
            if (scalar.startsWith("DECIMAL")) {
                return "(" + ref + " * 1000000)::BIGINT";
            }
            return scalar.equals("UUID") ? ref + "::VARCHAR" : ref;
        }

        private static int width(String scalar) {
            return switch (scalar) {
                case "BIGINT", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DOUBLE" -> 8;
                case "INTEGER", "DATE", "FLOAT" -> 4;
                case "SMALLINT" -> 2;
                case "BOOLEAN" -> 1;
                case "UUID" -> 16;
                default -> scalar.startsWith("DECIMAL") ? 8 : 0;
            };
        }

        private void add(int row, Object value) throws Exception {
            if (listLengths == null) {
                set(row, value);
            } else if (value == null) {
                listLengths[row] = -1;
            } else {
                Object[] items = (Object[]) ((Array) value).getArray();
                listLengths[row] = items.length;
                for (Object item : items) {
                    elements.set(elements.rows++, item);
                }
            }
        }

        private void set(int i, Object value) {
            if (i >= isNull.length) {
                isNull = Arrays.copyOf(isNull, i * 2);
                lengths = Arrays.copyOf(lengths, i * 2);
                fixed = fixed == null ? null : Arrays.copyOf(fixed, i * 2 * width);
            }
            if (value == null) {
                isNull[i] = true;
                lengths[i] = -1;
                return;
            }
            switch (width) {
                case 0 -> {
                    byte[] b = value.toString().getBytes(StandardCharsets.UTF_8);
                    if (payloadLength + b.length > payload.length) {
                        payload = Arrays.copyOf(payload, Math.max(payload.length * 2, payloadLength + b.length));
                    }
                    System.arraycopy(b, 0, payload, payloadLength, b.length);
                    payloadLength += b.length;
                    lengths[i] = b.length;
                }
                case 1 -> fixed[i] = (byte) ((Boolean) value ? 1 : 0);
                case 2 -> {
                    short v = ((Number) value).shortValue();
                    fixed[i * 2] = (byte) v;
                    fixed[i * 2 + 1] = (byte) (v >> 8);
                }
                case 4 -> INT_LE.set(fixed, i * 4, value instanceof Float f ? Float.floatToRawIntBits(f) : ((Number) value).intValue());
                case 8 -> LONG_LE.set(fixed, i * 8, value instanceof Double d ? Double.doubleToRawLongBits(d) : ((Number) value).longValue());
                case 16 -> {
                    UUID u = UUID.fromString(value.toString());
                    LONG_LE.set(fixed, i * 16, u.getMostSignificantBits());
                    LONG_LE.set(fixed, i * 16 + 8, u.getLeastSignificantBits());
                }
                default -> throw new IllegalStateException("width " + width);
            }
        }
    }

    /** Encodes every column chunk of every row group, in Parquet's order (row group by row group, column by column). */
    static final class Encoder {
        final long[] columnNanos;
        long zstdNanos;
        private byte[] compressed = new byte[1 << 20];
        private FileChannel out;

        Encoder(int columns) {
            this.columnNanos = new long[columns];
        }

        void write(List<Column> columns, int rows, Path file) throws Exception {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out = channel;
                int[][] positions = new int[columns.size()][2]; // per column: the next element (lists) and the next string byte
                for (int from = 0; from < rows; from += ROW_GROUP) {
                    int to = Math.min(rows, from + ROW_GROUP);
                    for (int i = 0; i < columns.size(); i++) {
                        long start = cpu();
                        chunk(columns.get(i), from, to, positions[i]);
                        columnNanos[i] += cpu() - start;
                    }
                }
            }
        }

        private void chunk(Column c, int from, int to, int[] position) throws Exception {
            Chunk chunk = new Chunk(c.listLengths == null ? c.width : c.elements.width, (to - from) * (c.listLengths == null ? 1 : 4));
            if (c.listLengths == null) {
                for (int row = from; row < to; row++) {
                    chunk.level(0, c.isNull[row] ? 0 : 1);
                    if (!c.isNull[row]) {
                        position[1] = chunk.value(c, row, position[1]);
                    }
                }
            } else {
                int element = position[0];
                for (int row = from; row < to; row++) {
                    int n = c.listLengths[row];
                    if (n <= 0) {
                        chunk.level(0, n < 0 ? 0 : 1); // a NULL list, an empty one
                    }
                    for (int k = 0; k < n; k++, element++) {
                        boolean missing = c.elements.isNull[element];
                        chunk.level(k == 0 ? 0 : 1, missing ? 2 : 3);
                        if (!missing) {
                            position[1] = chunk.value(c.elements, element, position[1]);
                        }
                    }
                }
                position[0] = element;
            }
            Bytes page = new Bytes(1 << 16);
            if (c.listLengths != null) {
                page.levels(chunk.repetition, chunk.levels, 1);
            }
            page.levels(chunk.definition, chunk.levels, c.listLengths == null ? 1 : 2);
            if (chunk.dictionaryKept()) {
                page(chunk.dictionary);
                page.bytes[page.length++] = (byte) chunk.indexWidth();
                page.bitPacked(chunk.indices, chunk.indexCount, chunk.indexWidth());
            } else {
                page.put(chunk.plain.bytes, 0, chunk.plain.length);
            }
            page(page);
        }

        private void page(Bytes page) throws Exception {
            long start = cpu();
            long bound = Zstd.compressBound(page.length);
            if (compressed.length < bound) {
                compressed = new byte[(int) bound];
            }
            long size = Zstd.compressByteArray(compressed, 0, compressed.length, page.bytes, 0, page.length, 1);
            if (Zstd.isError(size)) {
                throw new IllegalStateException(Zstd.getErrorName(size));
            }
            zstdNanos += cpu() - start;
            out.write(ByteBuffer.wrap(compressed, 0, (int) size));
        }
    }

    /** One column chunk as it is encoded: levels, statistics, the dictionary while it lasts, plain values. */
    static final class Chunk {
        final int width;
        int[] repetition;
        int[] definition;
        int levels;
        final Bytes plain = new Bytes(1 << 16);
        final Bytes dictionary = new Bytes(1 << 12);
        int[] indices;
        int indexCount;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        byte[] minBytes;
        byte[] maxBytes;
        private boolean dictionaryAlive = true;
        private int dictionarySize;
        private final int[] slots = new int[4 * DICTIONARY_LIMIT];
        private final long[] hashes = new long[DICTIONARY_LIMIT];
        private final int[] entryAt = new int[DICTIONARY_LIMIT];
        private final int[] entryLength = new int[DICTIONARY_LIMIT];

        Chunk(int width, int levelsExpected) {
            this.width = width;
            this.repetition = new int[levelsExpected];
            this.definition = new int[levelsExpected];
            this.indices = new int[levelsExpected];
            Arrays.fill(slots, -1);
        }

        void level(int rep, int def) {
            if (levels == definition.length) {
                grow();
            }
            repetition[levels] = rep;
            definition[levels++] = def;
        }

        private void grow() {
            repetition = Arrays.copyOf(repetition, repetition.length * 2);
            definition = Arrays.copyOf(definition, definition.length * 2);
            indices = Arrays.copyOf(indices, indices.length * 2);
        }

        /** Column {@code c}'s value {@code i}, present; {@code stringAt}: where its bytes start. Returns where the next string's start. */
        int value(Column c, int i, int stringAt) {
            if (width > 0 && width <= 8) {
                long v = switch (width) {
                    case 8 -> (long) LONG_LE.get(c.fixed, i * 8);
                    case 4 -> (int) INT_LE.get(c.fixed, i * 4);
                    case 2 -> (short) (c.fixed[i * 2] & 0xFF | c.fixed[i * 2 + 1] << 8);
                    default -> c.fixed[i];
                };
                min = Math.min(min, v);
                max = Math.max(max, v);
                remember(mix(v), c.fixed, i * width, width);
                plain.put(c.fixed, i * width, width);
                return stringAt;
            }
            if (width > 8) {
                remember(hash(c.fixed, i * width, width), c.fixed, i * width, width);
                plain.put(c.fixed, i * width, width);
                return stringAt;
            }
            int n = c.lengths[i];
            if (minBytes == null || Arrays.compareUnsigned(c.payload, stringAt, stringAt + n, minBytes, 0, minBytes.length) < 0) {
                minBytes = Arrays.copyOfRange(c.payload, stringAt, stringAt + n);
            }
            if (maxBytes == null || Arrays.compareUnsigned(c.payload, stringAt, stringAt + n, maxBytes, 0, maxBytes.length) > 0) {
                maxBytes = Arrays.copyOfRange(c.payload, stringAt, stringAt + n);
            }
            remember(hash(c.payload, stringAt, n), c.payload, stringAt, n);
            plain.putInt(n);
            plain.put(c.payload, stringAt, n);
            return stringAt + n;
        }

        boolean dictionaryKept() {
            return dictionaryAlive && dictionarySize > 0;
        }

        int indexWidth() {
            return 32 - Integer.numberOfLeadingZeros(Math.max(1, dictionarySize - 1));
        }

        /** The value's index in the dictionary, added if new; past the limit the dictionary is given up. */
        private void remember(long hash, byte[] bytes, int at, int length) {
            if (!dictionaryAlive) {
                return;
            }
            int mask = slots.length - 1;
            for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
                int e = slots[slot];
                if (e < 0) {
                    if (dictionarySize == DICTIONARY_LIMIT) {
                        dictionaryAlive = false;
                        return;
                    }
                    e = dictionarySize++;
                    slots[slot] = e;
                    hashes[e] = hash;
                    if (width == 0) {
                        dictionary.putInt(length);
                    }
                    entryAt[e] = dictionary.length;
                    entryLength[e] = length;
                    dictionary.put(bytes, at, length);
                    indices[indexCount++] = e;
                    return;
                }
                if (hashes[e] == hash && Arrays.equals(dictionary.bytes, entryAt[e], entryAt[e] + entryLength[e], bytes, at, at + length)) {
                    indices[indexCount++] = e;
                    return;
                }
            }
        }

        private static long mix(long x) {
            x *= 0x9E3779B97F4A7C15L;
            return x ^ (x >>> 29);
        }

        private static long hash(byte[] b, int at, int n) {
            long x = n;
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                x = mix(x ^ (long) LONG_LE.get(b, at + i));
            }
            long tail = 0;
            for (; i < n; i++) {
                tail = (tail << 8) | (b[at + i] & 0xFF);
            }
            return mix(x ^ tail);
        }
    }

    /** A growable byte buffer with the writes a page needs. */
    static final class Bytes {
        byte[] bytes;
        int length;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        void put(byte[] src, int at, int n) {
            ensure(n);
            System.arraycopy(src, at, bytes, length, n);
            length += n;
        }

        void putInt(int v) {
            ensure(4);
            INT_LE.set(bytes, length, v);
            length += 4;
        }

        void varint(int v) {
            ensure(5);
            while ((v & ~0x7F) != 0) {
                bytes[length++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[length++] = (byte) v;
        }

        /** Levels as a data page v1 holds them: their byte length, then one bit-packed run. */
        void levels(int[] values, int count, int bitWidth) {
            Bytes run = new Bytes(count * bitWidth / 8 + 16);
            run.bitPacked(values, count, bitWidth);
            putInt(run.length);
            put(run.bytes, 0, run.length);
        }

        /** {@code count} values of {@code bitWidth} bits as one bit-packed run of groups of eight (RLE/bit-packing hybrid). */
        void bitPacked(int[] values, int count, int bitWidth) {
            int groups = (count + 7) / 8;
            varint(groups << 1 | 1);
            ensure(groups * bitWidth + 8);
            long bits = 0;
            int held = 0;
            for (int i = 0; i < groups * 8; i++) {
                bits |= (long) (i < count ? values[i] : 0) << held;
                held += bitWidth;
                while (held >= 8) {
                    bytes[length++] = (byte) bits;
                    bits >>>= 8;
                    held -= 8;
                }
            }
        }
    }
}
