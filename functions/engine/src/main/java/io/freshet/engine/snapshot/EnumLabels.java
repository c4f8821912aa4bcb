package io.freshet.engine.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A PostgreSQL enum's labels in its sort order ({@code pg_enum.enumsortorder}), which become a
 * DuckDB ENUM of the same labels in the same order: a column of it travels as each value's code
 * (the label's index), one or two bytes, instead of the label's text. DuckDB's Parquet writer
 * takes an ENUM's codes as the column's dictionary indexes as they are, where a VARCHAR column's
 * strings are each hashed into a dictionary; the file is the same (UTF-8 strings, dictionary
 * encoded, exact statistics). Binary COPY sends an enum value as its label, so decoding one is a
 * lookup of those bytes here: an open-addressing table over the labels' UTF-8 bytes, no String
 * per value.
 */
final class EnumLabels {

    /** The most labels read as codes (DuckDB's two-byte ENUM); an enum of more is read as text. */
    static final int MAX_LABELS = 65_535;

    private final List<String> labels;
    private final byte[][] bytes;
    /** Per slot, a label's code + 1; 0 = empty. */
    private final int[] slots;
    private final int mask;

    EnumLabels(List<String> labels) {
        if (!readAsCodes(labels.size())) {
            throw new IllegalArgumentException("an enum of " + labels.size() + " labels is read as text, not as codes");
        }
        this.labels = List.copyOf(labels);
        this.bytes = new byte[labels.size()][];
        this.slots = new int[Integer.highestOneBit(labels.size() * 2 - 1) << 1];
        this.mask = slots.length - 1;
        for (int code = 0; code < labels.size(); code++) {
            byte[] label = labels.get(code).getBytes(StandardCharsets.UTF_8);
            bytes[code] = label;
            int slot = hash(label, 0, label.length) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = code + 1;
        }
    }

    /** Whether an enum of {@code count} labels is read as codes. */
    static boolean readAsCodes(int count) {
        return count >= 1 && count <= MAX_LABELS;
    }

    List<String> labels() {
        return labels;
    }

    /** Bytes per code, as DuckDB stores an ENUM of this many labels: 1 up to 255 labels, else 2. */
    int width() {
        return labels.size() <= 255 ? 1 : 2;
    }

    /** The code of the label whose UTF-8 bytes are {@code b[p .. p + len)}, or -1 when it is none of them. */
    int code(byte[] b, int p, int len) {
        int slot = hash(b, p, len) & mask;
        for (int entry = slots[slot]; entry != 0; entry = slots[slot]) {
            byte[] label = bytes[entry - 1];
            if (label.length == len && Arrays.equals(label, 0, len, b, p, p + len)) {
                return entry - 1;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private static int hash(byte[] b, int p, int len) {
        int h = len;
        for (int i = p, end = p + len; i < end; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnumLabels other && labels.equals(other.labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }

    @Override
    public String toString() {
        return "ENUM" + labels;
    }
}
