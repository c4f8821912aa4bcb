package io.freshet.engine.snapshot;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The greatest watermark among the rows read, tracked on the binary values in PostgreSQL's own
 * order. Text in PostgreSQL's input syntax.
 *
 * <p>A watermark must be finite: a row whose watermark is {@code infinity}, {@code -infinity} or
 * {@code NaN} fails the snapshot ({@link NonFiniteWatermarkException}). Recorded as the new
 * watermark, {@code infinity} or {@code NaN} (the greatest values in PostgreSQL's order) would make
 * every later snapshot read nothing, for good and without a word; {@code -infinity} is refused too
 * so that the rule is one sentence.
 */
final class Watermark {

    private final PgColumn column;
    private boolean seen;
    private long maxLong;
    private BigInteger maxBig;
    private BigDecimal maxDecimal;

    Watermark(PgColumn column) {
        if (!column.kind().canBeWatermark()) {
            throw new IllegalArgumentException(column.kind() + " cannot be a watermark");
        }
        this.column = column;
    }

    /** A row's watermark is not a finite value. */
    static final class NonFiniteWatermarkException extends PgValues.UnrepresentableValueException {
        NonFiniteWatermarkException(String value) {
            super("the watermark column holds '" + value + "' in a row to be read; a watermark must be a finite value, or every later"
                    + " incremental snapshot would start past it and read nothing. Correct or delete those rows (WHERE column = '"
                    + value + "'), or leave them out of the table the snapshot reads (a view)");
        }
    }

    void offer(byte[] b, int p, int len) {
        switch (column.kind()) {
            case INT2 -> offerLong(PgValues.i16(b, p));
            case INT4 -> offerLong(PgValues.i32(b, p));
            case DATE -> {
                int days = PgValues.i32(b, p);
                if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
                    throw new NonFiniteWatermarkException(PgValues.pgDateText(days));
                }
                offerLong(days);
            }
            case INT8 -> offerLong(PgValues.i64(b, p));
            case TIMESTAMP, TIMESTAMPTZ -> {
                long micros = PgValues.i64(b, p);
                if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
                    throw new NonFiniteWatermarkException(micros == Long.MAX_VALUE ? "infinity" : "-infinity");
                }
                offerLong(micros);
            }
            case DECIMAL -> {
                if (column.precision() <= 18) {
                    offerLong(PgNumeric.unscaledLong(b, p, column.scale()));
                } else {
                    BigInteger v = PgNumeric.unscaledBig(b, p, column.scale());
                    if (!seen || v.compareTo(maxBig) > 0) {
                        maxBig = v;
                    }
                    seen = true;
                }
            }
            case NUMERIC_TEXT -> offerNumeric(b, p);
            default -> throw new IllegalStateException(column.kind().toString());
        }
    }

    private void offerLong(long v) {
        if (!seen || v > maxLong) {
            maxLong = v;
        }
        seen = true;
    }

    private void offerNumeric(byte[] b, int p) {
        switch (PgNumeric.numericSign(b, p)) {
            case PgNumeric.NUMERIC_NAN -> throw new NonFiniteWatermarkException("NaN");
            case PgNumeric.NUMERIC_PINF -> throw new NonFiniteWatermarkException("Infinity");
            case PgNumeric.NUMERIC_NINF -> throw new NonFiniteWatermarkException("-Infinity");
            default -> {
            }
        }
        ColumnBuffer scratch = new ColumnBuffer(0, 1);
        scratch.reset();
        PgNumeric.numericText(b, p, scratch);
        BigDecimal value = new BigDecimal(new String(scratch.payload, 0, scratch.payloadLength, StandardCharsets.US_ASCII));
        if (!seen || value.compareTo(maxDecimal) > 0) {
            maxDecimal = value;
        }
        seen = true;
    }

    /**
     * The greater of this and {@code other} (the same column, read by another range): the
     * watermark of a table read in ranges is the greatest over all of them, as one read would have
     * found it.
     */
    Watermark max(Watermark other) {
        if (!other.seen) {
            return this;
        }
        if (!seen) {
            return other;
        }
        boolean otherGreater = switch (column.kind()) {
            case DECIMAL -> column.precision() <= 18 ? other.maxLong > maxLong : other.maxBig.compareTo(maxBig) > 0;
            case NUMERIC_TEXT -> other.maxDecimal.compareTo(maxDecimal) > 0;
            default -> other.maxLong > maxLong;
        };
        return otherGreater ? other : this;
    }

    Optional<String> text() {
        if (!seen) {
            return Optional.empty();
        }
        return Optional.of(switch (column.kind()) {
            case INT2, INT4, INT8 -> Long.toString(maxLong);
            case DATE -> PgValues.pgDateText((int) maxLong);
            case TIMESTAMP -> PgValues.pgTimestampText(maxLong, false);
            case TIMESTAMPTZ -> PgValues.pgTimestampText(maxLong, true);
            case DECIMAL -> column.precision() <= 18 ? PgValues.decimalText(maxLong, column.scale()) : PgValues.decimalText(maxBig, column.scale());
            case NUMERIC_TEXT -> maxDecimal.toPlainString();
            default -> throw new IllegalStateException(column.kind().toString());
        });
    }
}
