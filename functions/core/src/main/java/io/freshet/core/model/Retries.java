package io.freshet.core.model;

import java.time.Duration;

/**
 * How a failed run is retried: up to {@code attempts} more times, waiting {@code backoff}, then
 * twice as long each time, never longer than {@code maxBackoff}. Retries reuse the run id.
 */
public record Retries(int attempts, Duration backoff, Duration maxBackoff) {

    public static final Retries DEFAULT = new Retries(2, Duration.ofSeconds(30), Duration.ofMinutes(10));

    /** The wait before retry number {@code retry} (1-based). */
    public Duration delayBefore(int retry) {
        Duration d = backoff;
        for (int i = 1; i < retry && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
