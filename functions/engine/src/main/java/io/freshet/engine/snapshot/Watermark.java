package io.freshet.engine.snapshot;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The greatest watermark among the rows read, tracked on the binary values in PostgreSQL's own
 * order: integers, numeric ({@code -Infinity} < numbers < {@code Infinity} < {@code NaN}), dates and
 * timestamps ({@code -infinity} and {@code infinity} at the ends). Text in PostgreSQL's input syntax.
 */
final class Watermark {

    private final PgColumn column;
    private boolean seen;
    private long maxLong;
    private BigInteger maxBig;
    private BigDecimal maxDecimal;
    private int maxSpecialRank; // numeric text: 0 finite (maxDecimal), 1 +Infinity, 2 NaN; -1 -Infinity

    Watermark(PgColumn column) {
        if (!column.kind().canBeWatermark()) {
            throw new IllegalArgumentException(column.kind() + " cannot be a watermark");
        }
        this.column = column;
    }

    void offer(byte[] b, int p, int len) {
        switch (column.kind()) {
            case INT2 -> offerLong(PgValues.i16(b, p));
            case INT4, DATE -> offerLong(PgValues.i32(b, p));
            case INT8, TIMESTAMP, TIMESTAMPTZ -> offerLong(PgValues.i64(b, p));
            case DECIMAL -> {
                if (column.precision() <= 18) {
                    offerLong(PgValues.unscaledLong(b, p, column.scale()));
                } else {
                    BigInteger v = PgValues.unscaledBig(b, p, column.scale());
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
        int sign = PgValues.numericSign(b, p);
        int rank = switch (sign) {
            case PgValues.NUMERIC_NAN -> 2;
            case PgValues.NUMERIC_PINF -> 1;
            case PgValues.NUMERIC_NINF -> -1;
            default -> 0;
        };
        BigDecimal value = null;
        if (rank == 0) {
            ColumnBuffer scratch = new ColumnBuffer(0, 1);
            scratch.reset();
            PgValues.numericText(b, p, scratch);
            value = new BigDecimal(new String(scratch.payload, 0, scratch.payloadLength, StandardCharsets.US_ASCII));
        }
        if (!seen || rank > maxSpecialRank || (rank == 0 && maxSpecialRank == 0 && value.compareTo(maxDecimal) > 0)) {
            maxSpecialRank = rank;
            maxDecimal = value;
        }
        seen = true;
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
            case NUMERIC_TEXT -> switch (maxSpecialRank) {
                case 2 -> "NaN";
                case 1 -> "Infinity";
                case -1 -> "-Infinity";
                default -> maxDecimal.toPlainString();
            };
            default -> throw new IllegalStateException(column.kind().toString());
        });
    }
}
