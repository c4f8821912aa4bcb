package io.freshet.state;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Two store calls that do not depend on each other, made at once: the event path waits for the
 * slower of the two instead of their sum (a round trip to DynamoDB each). On a virtual thread, so
 * a Lambda with one vCPU loses nothing: both wait on the network.
 */
public final class AtOnce {

    private static final ExecutorService BESIDE = Executors.newVirtualThreadPerTaskExecutor();

    private AtOnce() {
    }

    /** Runs {@code beside} on another thread while {@code main} runs here; both end before this returns. */
    public static void both(Runnable beside, Runnable main) {
        get(beside, () -> {
            main.run();
            return null;
        });
    }

    /** As {@link #both}, returning what {@code main} read; what {@code beside} throws is thrown instead. */
    public static <T> T get(Runnable beside, Supplier<T> main) {
        CompletableFuture<Void> other = CompletableFuture.runAsync(beside, BESIDE);
        T read;
        try {
            read = main.get();
        } catch (RuntimeException | Error e) {
            // Let the other call end before failing: a crash point must leave nothing running.
            other.handle((ok, failed) -> null).join();
            throw e;
        }
        try {
            other.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return read;
    }
}
