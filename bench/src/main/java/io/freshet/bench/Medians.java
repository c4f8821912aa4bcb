package io.freshet.bench;

import java.util.Arrays;

/** The median the benchmarks report: the middle value, or the mean of the two middle ones for an even count. */
public final class Medians {

    private Medians() {
    }

    /** The median of {@code values} (left as they are); NaN for none. */
    public static double of(double... values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
