package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * numeric(p,s) of precision 19..38 decoded into DuckDB's 128-bit DECIMAL without BigInteger: the
 * same integer as the BigInteger reference and as the value's own unscaled digits, for values of
 * every length, sign and scale, and for a numeric with more decimals than the column's scale
 * (truncated as {@link PgNumeric#unscaledLong} truncates).
 */
class NumericDecodingTest {

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    /** A numeric(precision, scale) value: its unscaled digits, below 10^precision. */
    record Value(int precision, int scale, BigInteger unscaled) {
        BigDecimal decimal() {
            return new BigDecimal(unscaled, scale);
        }
    }

    @Provide
    Arbitrary<Value> values() {
        return Combinators.combine(Arbitraries.integers().between(19, 38), Arbitraries.integers().between(0, 38),
                Arbitraries.integers().between(0, 38), Arbitraries.of(-1, 1), Arbitraries.of(0, 1, 2, 3))
                .as((precision, s, digits, sign, shape) -> {
                    int scale = Math.min(s, precision);
                    int n = Math.max(1, Math.min(digits, precision));
                    BigInteger v = switch (shape) {
                        case 0 -> BigInteger.TEN.pow(precision).subtract(BigInteger.ONE); // the largest
                        case 1 -> BigInteger.TEN.pow(n - 1); // a power of ten: trailing zero digits
                        default -> new BigInteger(n * 4, new Random(31L * precision + 7L * n + scale + shape))
                                .mod(BigInteger.TEN.pow(n));
                    };
                    return new Value(precision, scale, sign < 0 ? v.negate() : v);
                });
    }

    @Property(tries = 2000)
    void aValueOfPrecision19To38IsItsUnscaledDigits(@ForAll("values") Value v) {
        byte[] b = withPrefix(pgNumeric(v.decimal()));
        assertEquals(v.unscaled(), decoded(b, v.scale()), v.toString());
        assertEquals(PgNumeric.unscaledBig(b, 3, v.scale()), decoded(b, v.scale()), v.toString());
    }

    @Property(tries = 1000)
    void decimalsBeyondTheScaleAreTruncatedAsTheReferenceDoes(@ForAll("values") Value v) {
        // A value with 1-7 more decimals than the scale it is read at.
        for (int more = 1; more <= 7; more++) {
            int scale = Math.max(0, v.scale() - more);
            byte[] b = withPrefix(pgNumeric(v.decimal()));
            assertEquals(PgNumeric.unscaledBig(b, 3, scale), decoded(b, scale), v + " read at scale " + scale);
            assertEquals(v.decimal().movePointRight(scale).toBigInteger(), decoded(b, scale), v + " read at scale " + scale);
        }
    }

    @Test
    void zeroAndItsNegativeAreZero() {
        assertEquals(BigInteger.ZERO, decoded(withPrefix(pgNumeric(new BigDecimal("0.0000"))), 4));
        assertEquals(BigInteger.ZERO, decoded(withPrefix(pgNumeric(new BigDecimal("-0.00"))), 2));
        assertEquals(BigInteger.valueOf(-1), decoded(withPrefix(pgNumeric(new BigDecimal("-0.0000000001"))), 10));
    }

    /** Decodes at offset 3 into a 16-byte column, and reads the integer back from its two longs. */
    private static BigInteger decoded(byte[] b, int scale) {
        ColumnBuffer col = new ColumnBuffer(16, 2);
        PgNumeric.unscaledHuge(b, 3, scale, col, 1);
        ByteBuffer bb = ByteBuffer.wrap(col.fixed, 16, 16).order(ByteOrder.LITTLE_ENDIAN);
        long lower = bb.getLong();
        long upper = bb.getLong();
        return BigInteger.valueOf(upper).multiply(TWO_64).add(new BigInteger(Long.toUnsignedString(lower)));
    }

    private static byte[] withPrefix(byte[] value) {
        byte[] b = new byte[value.length + 3];
        System.arraycopy(value, 0, b, 3, value.length);
        return b;
    }

    /**
     * The value as PostgreSQL's numeric_send writes it: digit count, weight, sign and display scale
     * (16 bits each), then the base-10000 digits, without leading or trailing zero digits.
     */
    static byte[] pgNumeric(BigDecimal v) {
        int dscale = Math.max(v.scale(), 0);
        int fracDigits = (dscale + 3) / 4;
        BigInteger scaled = v.unscaledValue().abs().multiply(BigInteger.TEN.pow(fracDigits * 4 - dscale));
        if (v.scale() < 0) {
            scaled = v.unscaledValue().abs().multiply(BigInteger.TEN.pow(-v.scale()));
        }
        List<Integer> digits = new ArrayList<>(); // least significant first; digit k weighs 10000^(k - fracDigits)
        BigInteger base = BigInteger.valueOf(10_000);
        while (scaled.signum() > 0) {
            BigInteger[] qr = scaled.divideAndRemainder(base);
            digits.add(qr[1].intValue());
            scaled = qr[0];
        }
        int low = 0;
        while (low < digits.size() && digits.get(low) == 0) {
            low++;
        }
        int n = digits.size() - low;
        int weight = n == 0 ? 0 : digits.size() - 1 - fracDigits;
        ByteBuffer bb = ByteBuffer.allocate(8 + 2 * n);
        bb.putShort((short) n).putShort((short) weight).putShort((short) (v.signum() < 0 ? PgNumeric.NUMERIC_NEG : PgNumeric.NUMERIC_POS))
                .putShort((short) dscale);
        for (int k = digits.size() - 1; k >= low; k--) {
            bb.putShort((short) (int) digits.get(k));
        }
        return bb.array();
    }
}
