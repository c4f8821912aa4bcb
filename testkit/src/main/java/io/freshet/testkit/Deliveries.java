package io.freshet.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hands each matched event's input to the handler registered for the target's ARN: on a pool of
 * threads, concurrently and in no particular order (as AWS), or inline when synchronous. A handler
 * that throws is retried at once up to the target's {@code RetryPolicy.MaximumRetryAttempts}
 * (default {@value Target#DEFAULT_RETRY_ATTEMPTS}); a target without a handler fails the same way.
 * When the attempts run out the input goes to the target's dead-letter ARN, or else to
 * {@link #undelivered()}: nothing is ever dropped silently.
 *
 * <p>Every delivery is counted from its dispatch to its end, so {@link #awaitQuiescence} also
 * waits for deliveries dispatched by handlers that publish more events.
 */
final class Deliveries implements AutoCloseable {

    /** One input for one target of one rule. */
    record Task(Rule rule, Target target, String input) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

    private final boolean synchronous;
    private final ExecutorService executor;
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    private final Map<String, List<String>> deadLetters = new ConcurrentHashMap<>();
    private final List<String> undelivered = Collections.synchronizedList(new ArrayList<>());

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight; // guarded by lock

    /**
     * How many deliveries run at once, like a Lambda function's concurrency limit. Unbounded, a
     * burst of events becomes a thousand concurrent handlers, which starves the servers they call
     * (DynamoDB Local's 200 request threads, all blocked reading request bodies) into a deadlock.
     */
    static final int MAX_CONCURRENT_DELIVERIES = 32;

    Deliveries(boolean synchronous) {
        this.synchronous = synchronous;
        this.executor = Executors.newFixedThreadPool(MAX_CONCURRENT_DELIVERIES, daemonThreads("local-eventbridge-delivery-"));
    }

    void register(String arn, Consumer<String> handler) {
        handlers.put(arn, handler);
    }

    void dispatch(Task task) {
        begin();
        if (synchronous) {
            try {
                deliver(task);
            } finally {
                end();
            }
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    deliver(task);
                } finally {
                    end();
                }
            });
        } catch (RejectedExecutionException e) {
            end();
            giveUp(task, 0, "the local EventBridge is closed");
        }
    }

    private void deliver(Task task) {
        int attempts = 1 + task.target().maximumRetryAttempts();
        String error = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Consumer<String> handler = handlers.get(task.target().arn());
            if (handler == null) {
                error = "no handler is registered for " + task.target().arn() + " (LocalEventBridge.registerTarget)";
                continue;
            }
            try {
                handler.accept(task.input());
                return;
            } catch (Exception | AssertionError e) {
                error = e.toString();
            }
        }
        giveUp(task, attempts, error);
    }

    private void giveUp(Task task, int attempts, String error) {
        ObjectNode letter = Json.object()
                .put("input", task.input())
                .put("error", error)
                .put("ruleArn", task.rule().arn())
                .put("targetId", task.target().id())
                .put("targetArn", task.target().arn())
                .put("attempts", attempts);
        String text = Json.write(letter);
        if (task.target().deadLetterArn().isPresent()) {
            String dlq = task.target().deadLetterArn().get();
            deadLetters.computeIfAbsent(dlq, k -> Collections.synchronizedList(new ArrayList<>())).add(text);
            LOG.warn("delivery to {} failed {} times, sent to dead-letter {}: {}", task.target().arn(), attempts, dlq, error);
        } else {
            undelivered.add(text);
            LOG.warn("delivery to {} failed {} times and the target has no dead-letter queue: {}", task.target().arn(), attempts, error);
        }
    }

    List<String> deadLetters(String arn) {
        List<String> letters = deadLetters.get(arn);
        if (letters == null) {
            return List.of();
        }
        synchronized (letters) {
            return List.copyOf(letters);
        }
    }

    List<String> undelivered() {
        synchronized (undelivered) {
            return List.copyOf(undelivered);
        }
    }

    void awaitQuiescence(Duration timeout) {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (inFlight > 0) {
                if (left <= 0) {
                    throw new IllegalStateException("the local EventBridge still has " + inFlight
                            + " deliveries pending or running after " + timeout);
                }
                left = idle.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for deliveries", e);
        } finally {
            lock.unlock();
        }
    }

    private void begin() {
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    private void end() {
        lock.lock();
        try {
            if (--inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
