package io.freshet.publisher.warehouse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Parquet's primitive types (with their logical annotations, as DuckDB writes them) mapped back to
 * PostgreSQL's, the inverse of the snapshot's mapping (docs/architecture.md, "Snapshots"): integers
 * by width, floats bit for bit, DECIMAL(p,s) as numeric(p,s), strings as text, JSON as jsonb,
 * UUID as uuid, other binary as bytea, DATE, TIME, TIMESTAMP (with time zone when adjusted to
 * UTC) and INTERVAL. Anything else is refused naming the column.
 */
final class ParquetTypes {

    /** Microseconds and days between 1970-01-01 (Parquet's epoch) and 2000-01-01 (PostgreSQL's). */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    static final int PG_EPOCH_DAYS = 10_957;

    private ParquetTypes() {
    }

    /** The PostgreSQL type of a primitive Parquet column, or null when it has none. */
    // CHECKSTYLE:method-length because it is one table of the physical types and their annotations;
    // split, the mapping would read as several partial ones
    static PgType of(PrimitiveType t) {
        LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
        if (a instanceof DecimalLogicalTypeAnnotation d) {
            return decimal(t, d);
        }
        return switch (t.getPrimitiveTypeName()) {
            case BOOLEAN -> new PgType("boolean", 16, (r, out) -> {
                out.int32(1);
                out.bytes(new byte[] {(byte) (r.getBoolean() ? 1 : 0)}, 0, 1);
            });
            case INT32 -> int32(a);
            case INT64 -> int64(a);
            case FLOAT -> new PgType("real", 700, (r, out) -> {
                out.int32(4);
                out.int32(Float.floatToRawIntBits(r.getFloat()));
            });
            case DOUBLE -> new PgType("double precision", 701, (r, out) -> {
                out.int32(8);
                out.int64(Double.doubleToRawLongBits(r.getDouble()));
            });
            case BINARY -> binary(a);
            case FIXED_LEN_BYTE_ARRAY -> fixed(t, a);
            default -> null;
        };
    }

    private static PgType int32(LogicalTypeAnnotation a) {
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return new PgType("date", 1082, (r, out) -> int4(out, dateToPg(r.getInteger())));
        }
        if (a instanceof TimeLogicalTypeAnnotation) {
            return new PgType("time without time zone", 1083, (r, out) -> int8(out, r.getInteger() * 1000L));
        }
        if (a instanceof IntLogicalTypeAnnotation i) {
            if (i.isSigned() && i.getBitWidth() <= 16) {
                return new PgType("smallint", 21, (r, out) -> {
                    out.int32(2);
                    out.int16(r.getInteger());
                });
            }
            if (!i.isSigned() && i.getBitWidth() == 32) {
                return new PgType("bigint", 20, (r, out) -> int8(out, Integer.toUnsignedLong(r.getInteger())));
            }
            // INT32 itself, and the unsigned 8 and 16 bits (they fit a signed integer).
            return new PgType("integer", 23, (r, out) -> int4(out, r.getInteger()));
        }
        return a == null ? new PgType("integer", 23, (r, out) -> int4(out, r.getInteger())) : null;
    }

    private static PgType int64(LogicalTypeAnnotation a) {
        if (a instanceof TimestampLogicalTypeAnnotation ts) {
            TimeUnit unit = ts.getUnit();
            return new PgType(ts.isAdjustedToUTC() ? "timestamp with time zone" : "timestamp without time zone",
                    ts.isAdjustedToUTC() ? 1184 : 1114, (r, out) -> int8(out, timestampToPg(r.getLong(), unit)));
        }
        if (a instanceof TimeLogicalTypeAnnotation time) {
            TimeUnit unit = time.getUnit();
            return new PgType("time without time zone", 1083, (r, out) -> int8(out, micros(r.getLong(), unit)));
        }
        if (a instanceof IntLogicalTypeAnnotation i && !i.isSigned()) {
            return new PgType("numeric(20,0)", 1700, (r, out) -> Numerics.write(out,
                    new BigDecimal(new BigInteger(Long.toUnsignedString(r.getLong())))));
        }
        return a == null || a instanceof IntLogicalTypeAnnotation ? new PgType("bigint", 20, (r, out) -> int8(out, r.getLong())) : null;
    }

    private static PgType binary(LogicalTypeAnnotation a) {
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
            return new PgType("text", 25, (r, out) -> binaryField(out, r.getBinary()));
        }
        if (a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return new PgType("jsonb", 3802, (r, out) -> {
                Binary b = r.getBinary();
                out.int32(b.length() + 1);
                out.bytes(new byte[] {1}, 0, 1); // jsonb's binary format version
                out.bytes(b.getBytesUnsafe(), 0, b.length());
            });
        }
        return a == null ? new PgType("bytea", 17, (r, out) -> binaryField(out, r.getBinary())) : null;
    }

    private static PgType fixed(PrimitiveType t, LogicalTypeAnnotation a) {
        if (a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
            return new PgType("uuid", 2950, (r, out) -> binaryField(out, r.getBinary()));
        }
        if (a instanceof LogicalTypeAnnotation.IntervalLogicalTypeAnnotation && t.getTypeLength() == 12) {
            return new PgType("interval", 1186, (r, out) -> {
                ByteBuffer b = r.getBinary().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                int months = b.getInt(b.position());
                int days = b.getInt(b.position() + 4);
                long millis = Integer.toUnsignedLong(b.getInt(b.position() + 8));
                out.int32(16);
                out.int64(millis * 1000L);
                out.int32(days);
                out.int32(months);
            });
        }
        return a == null ? new PgType("bytea", 17, (r, out) -> binaryField(out, r.getBinary())) : null;
    }

    private static PgType decimal(PrimitiveType t, DecimalLogicalTypeAnnotation d) {
        int scale = d.getScale();
        PgType.ValueWriter w = switch (t.getPrimitiveTypeName()) {
            case INT32 -> (r, out) -> Numerics.write(out, BigDecimal.valueOf(r.getInteger(), scale));
            case INT64 -> (r, out) -> Numerics.write(out, BigDecimal.valueOf(r.getLong(), scale));
            default -> (r, out) -> Numerics.write(out, new BigDecimal(new BigInteger(r.getBinary().getBytes()), scale));
        };
        return new PgType("numeric(" + d.getPrecision() + "," + scale + ")", 1700, w);
    }

    static int dateToPg(int epochDays) {
        // PostgreSQL's infinities are the int's extremes, as DuckDB's.
        return epochDays == Integer.MAX_VALUE || epochDays == Integer.MIN_VALUE ? epochDays : epochDays - PG_EPOCH_DAYS;
    }

    static long timestampToPg(long value, TimeUnit unit) {
        if (value == Long.MAX_VALUE || value == Long.MIN_VALUE) {
            return value;
        }
        return micros(value, unit) - PG_EPOCH_MICROS;
    }

    private static long micros(long value, TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> value * 1000L;
            case MICROS -> value;
            case NANOS -> Math.floorDiv(value, 1000L);
        };
    }

    private static void int4(CopyBuffer out, int v) {
        out.int32(4);
        out.int32(v);
    }

    private static void int8(CopyBuffer out, long v) {
        out.int32(8);
        out.int64(v);
    }

    private static void binaryField(CopyBuffer out, Binary b) {
        out.int32(b.length());
        out.bytes(b.getBytesUnsafe(), 0, b.length());
    }
}
