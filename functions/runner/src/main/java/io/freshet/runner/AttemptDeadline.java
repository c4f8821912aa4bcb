package io.freshet.runner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.freshet.core.error.TransientException;
import io.freshet.core.yaml.Values;

/**
 * The pipeline's {@code timeout}, enforced inside the attempt: when it runs out, everything
 * registered to be stopped is stopped (the attempt's DuckDB statement is cancelled, its
 * PostgreSQL statements too), and {@link #check} fails the attempt at its next step. Real
 * elapsed time, not the service's clock: tests move that one to expire leases.
 */
final class AttemptDeadline implements AutoCloseable {

    /** One daemon thread for every attempt of this process: a deadline only flips a flag and cancels. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "freshet-attempt-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;
    private final long startNanos = System.nanoTime();
    private final List<Consumer<String>> onExpiry = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> timer;
    private volatile boolean expired;

    private AttemptDeadline(Duration timeout) {
        this.timeout = timeout;
        this.timer = TIMER.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static AttemptDeadline start(Duration timeout) {
        return new AttemptDeadline(timeout);
    }

    /** Called with the reason when the deadline passes (at once, when it passed already). */
    void onExpiry(Consumer<String> stop) {
        onExpiry.add(stop);
        if (expired) {
            stop.accept(reason());
        }
    }

    boolean expired() {
        return expired;
    }

    /** Fails the attempt when its time is up. */
    void check() {
        if (expired) {
            throw new TimedOut(reason());
        }
    }

    String reason() {
        return "the attempt ran longer than the pipeline's timeout (" + Values.formatDuration(timeout) + ")";
    }

    Duration timeout() {
        return timeout;
    }

    /** How long until the deadline (zero once it passed). */
    Duration timeLeft() {
        Duration left = timeout.minusNanos(System.nanoTime() - startNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void expire() {
        expired = true;
        for (Consumer<String> stop : onExpiry) {
            try {
                stop.accept(reason());
            } catch (RuntimeException ignored) {
                // stopping is best effort: the attempt's fenced writes fail anyway once its lease is gone
            }
        }
    }

    @Override
    public void close() {
        timer.cancel(false);
    }

    /** The attempt ran out of time. */
    static final class TimedOut extends TransientException {
        TimedOut(String message) {
            super(message);
        }
    }
}
