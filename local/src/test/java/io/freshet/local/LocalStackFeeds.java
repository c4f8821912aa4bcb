package io.freshet.local;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.local.LocalStackWiring.Feed;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Delivers what LocalStack's rules put on the queues standing for the functions to the handlers in
 * this JVM, as Lambda's asynchronous invocations would: a delivery whose handler fails is made
 * visible again at once and tried {@link #ATTEMPTS} times in all, then goes to the function's
 * dead-letter queue with its error. The observer queue's events are kept for the demo's report.
 *
 * <p>LocalStack stamps S3's events with its wall clock, the story runs on a simulated one, and
 * Freshet reads time from asset events (freshness, which files a run reads). So the {@code time} of
 * an {@code Object Created} is set to the simulated time when it is delivered, which in this stack
 * is the time of the upload (nothing else moves the simulated clock between).
 */
final class LocalStackFeeds {

    /**
     * How long every queue must stay empty before the stack counts as settled: what LocalStack routes
     * asynchronously (S3's notifications) must have arrived by then. Measured, the longest the
     * queues stayed empty before another message came (printed at the end) was 0-133 ms, ten times
     * less than this; it was 3 s, 44 of the IT's 108 s, for no message that came later than 133 ms.
     */
    static final Duration QUIET = Duration.ofMillis(1500);
    /** Lambda's asynchronous invocations: the first attempt and two retries. */
    static final int ATTEMPTS = 3;
    /** Longer than any invocation here (a run's Lambda timeout is 15 minutes). */
    static final int VISIBILITY_SECONDS = 900;

    private final SqsClient sqs;
    private final LocalStackWiring wiring;
    private final BiConsumer<String, String> invoke;
    private final Clock clock;
    private final List<String> busEvents = new ArrayList<>();
    /** Failed attempts by SQS message id (counted here rather than trusting ApproximateReceiveCount). */
    private final Map<String, Integer> failures = new HashMap<>();
    /** Runs whose {@code Run Requested} the observer saw and whose end it has not. */
    private final Set<String> runsUnderway = new LinkedHashSet<>();
    /** Runs whose end the observer saw: a request taken after its run's end (the queue need not keep order) is no run underway. */
    private final Set<String> runsEnded = new HashSet<>();
    private long longestLull;

    /**
     * @param invoke invokes a function by logical id with an event's JSON; it throws if the invocation fails
     */
    LocalStackFeeds(SqsClient sqs, LocalStackWiring wiring, BiConsumer<String, String> invoke, Clock clock) {
        this.sqs = sqs;
        this.wiring = wiring;
        this.invoke = invoke;
        this.clock = clock;
    }

    /**
     * Delivers until every queue has stayed empty for {@link #QUIET} and every run requested on the
     * bus has ended there; fails after {@code timeout}. The quiet is a guess at how late LocalStack
     * may deliver what it routes asynchronously (S3's notifications); the runs are what the story
     * waits for, so a step never ends with one still in flight, however LocalStack's timing goes.
     */
    void settle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < QUIET.toNanos() || !runsUnderway.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("LocalStack's queues did not settle within " + timeout
                        + (runsUnderway.isEmpty() ? "" : "; runs requested and not ended: " + runsUnderway));
            }
            long passStart = System.nanoTime();
            if (pumpOnce() > 0) {
                // from the last pass that took something to the start of this one: the handlers' own time is not a lull
                longestLull = Math.max(longestLull, passStart - quietSince);
                quietSince = System.nanoTime();
            } else {
                sleep(100);
            }
        }
    }

    /** The longest the queues stayed empty before another message came, over every settle so far: what {@link #QUIET} must exceed. */
    Duration longestLull() {
        return Duration.ofNanos(longestLull);
    }

    /** Notes a run requested on the bus as underway, and a run's end as its end. */
    private void observe(String body) {
        JsonNode event = EventJson.read(body);
        String runId = event.path("detail").path("runId").asText("");
        if (runId.isEmpty()) {
            return;
        }
        switch (event.path("detail-type").asText("")) {
            case EventJson.RUN_REQUESTED -> {
                if (!runsEnded.contains(runId)) {
                    runsUnderway.add(runId);
                }
            }
            case EventJson.RUN_SUCCEEDED, EventJson.RUN_FAILED, EventJson.RUN_SKIPPED -> {
                runsEnded.add(runId);
                runsUnderway.remove(runId);
            }
            default -> { }
        }
    }

    /** The events seen on Freshet's bus so far, in the order they were taken from the observer queue. */
    List<String> busEvents() {
        return List.copyOf(busEvents);
    }

    /** Each dead-letter queue's messages with their errors, read and left in the queue for the next look. */
    Map<String, List<String>> deadLetters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String q : new LinkedHashSet<>(wiring.feeds().stream().map(Feed::deadLetterQueue).toList())) {
            String url = wiring.queueUrl(q);
            List<String> letters = new ArrayList<>();
            List<Message> read = new ArrayList<>();
            List<Message> batch;
            do { // the visibility timeout keeps a message read from coming back in this loop
                batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                        .visibilityTimeout(60).messageAttributeNames("All")).messages();
                read.addAll(batch);
                batch.forEach(m -> letters.add(m.body() + Optional.ofNullable(m.messageAttributes().get("ErrorMessage"))
                        .map(a -> " (" + a.stringValue() + ")").orElse("")));
            } while (!batch.isEmpty());
            // Read, not taken: they stay in the queue for the next look.
            read.forEach(m -> sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0)));
            out.put(q, letters);
        }
        return out;
    }

    /** One pass over every queue; returns how many messages it took. */
    private int pumpOnce() {
        int taken = 0;
        String observer = wiring.observerQueueUrl();
        for (Message m : receive(observer)) {
            busEvents.add(m.body());
            observe(m.body());
            sqs.deleteMessage(b -> b.queueUrl(observer).receiptHandle(m.receiptHandle()));
            taken++;
        }
        for (Feed f : wiring.feeds()) {
            for (Message m : receive(f.queueUrl())) {
                deliver(f, m);
                taken++;
            }
        }
        return taken;
    }

    private List<Message> receive(String queueUrl) {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                .visibilityTimeout(VISIBILITY_SECONDS)).messages();
    }

    private void deliver(Feed f, Message m) {
        try {
            invoke.accept(f.function(), restamped(m.body()));
            sqs.deleteMessage(b -> b.queueUrl(f.queueUrl()).receiptHandle(m.receiptHandle()));
            failures.remove(m.messageId());
        } catch (RuntimeException e) {
            int attempts = failures.merge(m.messageId(), 1, Integer::sum);
            System.err.println("[LocalStackIT] " + f.function() + " failed (attempt " + attempts + " of " + ATTEMPTS + "): " + e);
            if (attempts < ATTEMPTS) {
                sqs.changeMessageVisibility(b -> b.queueUrl(f.queueUrl()).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
                return;
            }
            String error = String.valueOf(e);
            sqs.sendMessage(b -> b.queueUrl(wiring.queueUrl(f.deadLetterQueue())).messageBody(m.body())
                    .messageAttributes(Map.of("ErrorMessage", MessageAttributeValue.builder().dataType("String")
                            .stringValue(error.length() > 1000 ? error.substring(0, 1000) : error).build())));
            sqs.deleteMessage(b -> b.queueUrl(f.queueUrl()).receiptHandle(m.receiptHandle()));
            failures.remove(m.messageId());
        }
    }

    /** An S3 {@code Object Created} carries LocalStack's wall-clock time: give it the simulated time of its delivery. */
    private String restamped(String body) {
        JsonNode n = EventJson.read(body);
        if (n instanceof ObjectNode o && "aws.s3".equals(o.path("source").asText()) && o.has("time")) {
            o.put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            return EventJson.write(o);
        }
        return body;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for LocalStack's queues", e);
        }
    }
}
