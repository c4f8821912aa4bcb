package io.freshet.aws.events;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff: attempt 1 goes at once, attempt {@code n > 1} waits
 * {@code base * factor^(n-2)}; at most {@code maxAttempts} attempts in all.
 */
public record Backoff(Duration base, double factor, int maxAttempts) {

    /** 50 ms, doubling, 5 attempts: waits of 50, 100, 200 and 400 ms. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(50), 2.0, 5);

    public Backoff {
        Objects.requireNonNull(base, "base");
        if (base.isNegative() || factor < 1.0 || maxAttempts < 1) {
            throw new IllegalArgumentException("backoff needs base >= 0, factor >= 1, maxAttempts >= 1: " + base + ", " + factor + ", " + maxAttempts);
        }
    }

    /** The wait before attempt {@code attempt} (1-based); zero before the first. */
    public Duration delayBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        double nanos = base.toNanos() * Math.pow(factor, attempt - 2);
        return nanos >= Long.MAX_VALUE ? Duration.ofNanos(Long.MAX_VALUE) : Duration.ofNanos(Math.round(nanos));
    }
}
