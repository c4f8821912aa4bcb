package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Asynchronous delivery: retries, dead letters, undelivered inputs and quiescence. */
@SuppressWarnings("unchecked") // the SDK\'s builders take Consumer<Builder>... varargs
class DeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DLQ = "arn:aws:sqs:eu-central-1:000000000000:freshet-dlq";

    private LocalEventBridge eventBridge;
    private EventBridgeClient client;
    private final String bus = "freshet";

    @BeforeEach
    void start() {
        eventBridge = LocalEventBridge.start();
        client = eventBridge.client();
    }

    @AfterEach
    void stop() {
        eventBridge.close();
    }

    private void rule(String name, String pattern, String arn, Integer retries, String dlq) {
        client.putRule(r -> r.eventBusName(bus).name(name).eventPattern(pattern));
        client.putTargets(r -> r.eventBusName(bus).rule(name).targets(t -> {
            t.id("t").arn(arn).inputPath("$.detail");
            if (retries != null) {
                t.retryPolicy(p -> p.maximumRetryAttempts(retries));
            }
            if (dlq != null) {
                t.deadLetterConfig(d -> d.arn(dlq));
            }
        }));
    }

    private void publish(String detailType, String detail) {
        assertEquals(0, client.putEvents(r -> r.entries(e -> e.eventBusName(bus).source("freshet").detailType(detailType).detail(detail)))
                .failedEntryCount());
    }

    @Test
    void aHandlerThatFailsTwiceSucceedsOnTheDefaultSecondRetry() {
        AtomicInteger calls = new AtomicInteger();
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        eventBridge.registerTarget("arn:flaky", input -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("not yet");
            }
            delivered.add(input);
        });
        rule("flaky", "{\"source\":[\"freshet\"]}", "arn:flaky", null, DLQ);
        publish("Asset Updated", "{\"n\":1}");
        eventBridge.awaitQuiescence(WAIT);
        assertEquals(3, calls.get());
        assertEquals(List.of("{\"n\":1}"), delivered);
        assertEquals(List.of(), eventBridge.deadLetters(DLQ));
        assertEquals(List.of(), eventBridge.undelivered());
    }

    @Test
    void whenRetriesRunOutTheInputGoesToTheDeadLetterQueueWithTheError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        eventBridge.registerTarget("arn:broken", input -> {
            calls.incrementAndGet();
            throw new IllegalStateException("database is down");
        });
        rule("broken", "{\"source\":[\"freshet\"]}", "arn:broken", 4, DLQ);
        publish("Asset Updated", "{\"n\":2}");
        eventBridge.awaitQuiescence(WAIT);

        assertEquals(5, calls.get(), "the first attempt and MaximumRetryAttempts=4 retries");
        List<String> letters = eventBridge.deadLetters(DLQ);
        assertEquals(1, letters.size());
        JsonNode letter = JSON.readTree(letters.get(0));
        assertEquals("{\"n\":2}", letter.get("input").asText());
        assertTrue(letter.get("error").asText().contains("database is down"), letter.toString());
        assertEquals("arn:aws:events:eu-central-1:000000000000:rule/freshet/broken", letter.get("ruleArn").asText());
        assertEquals("arn:broken", letter.get("targetArn").asText());
        assertEquals(5, letter.get("attempts").asInt());
        assertEquals(List.of(), eventBridge.undelivered());
    }

    @Test
    void withoutADeadLetterQueueAFailedInputIsKeptAsUndelivered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        eventBridge.registerTarget("arn:once", input -> {
            calls.incrementAndGet();
            throw new AssertionError("a handler's assertion fails the delivery too");
        });
        rule("once", "{\"source\":[\"freshet\"]}", "arn:once", 0, null);
        rule("nobody", "{\"source\":[\"freshet\"]}", "arn:nobody-listens", null, null);
        publish("Asset Updated", "{\"n\":3}");
        eventBridge.awaitQuiescence(WAIT);

        assertEquals(1, calls.get(), "MaximumRetryAttempts=0: no retry");
        List<String> targets = new ArrayList<>();
        for (String u : eventBridge.undelivered()) {
            JsonNode n = JSON.readTree(u);
            assertEquals("{\"n\":3}", n.get("input").asText());
            targets.add(n.get("targetArn").asText() + " after " + n.get("attempts").asInt());
        }
        Collections.sort(targets);
        assertEquals(List.of("arn:nobody-listens after 3", "arn:once after 1"), targets,
                "a target nobody registered is retried, then kept as undelivered");
    }

    @Test
    void quiescenceWaitsForEventsThatHandlersPublish() {
        // A chain: each "Asset Updated" of asset n makes the handler publish asset n+1, up to 20.
        Map<Integer, Integer> seen = new ConcurrentHashMap<>();
        eventBridge.registerTarget("arn:chain", input -> {
            int n = tree(input).get("asset").asInt();
            seen.merge(n, 1, Integer::sum);
            if (n < 20) {
                publish("Asset Updated", "{\"asset\":" + (n + 1) + "}");
            }
        });
        ConcurrentLinkedQueue<String> audit = new ConcurrentLinkedQueue<>();
        eventBridge.registerTarget("arn:audit", audit::add);
        rule("chain", "{\"detail-type\":[\"Asset Updated\"]}", "arn:chain", null, null);
        rule("audit", "{\"source\":[\"freshet\"]}", "arn:audit", null, null);

        publish("Asset Updated", "{\"asset\":0}");
        eventBridge.awaitQuiescence(WAIT);

        assertEquals(21, seen.size());
        assertTrue(seen.values().stream().allMatch(c -> c == 1), "each delivered exactly once: " + seen);
        assertEquals(21, audit.size());
        assertEquals(21, eventBridge.events(bus).size());
        assertEquals(List.of(), eventBridge.undelivered());
    }

    @Test
    void quiescenceFailsWhenDeliveriesAreStillRunningAtTheTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        eventBridge.registerTarget("arn:slow", input -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delivered.add(input);
        });
        rule("slow", "{\"source\":[\"freshet\"]}", "arn:slow", null, null);
        publish("Asset Updated", "{\"n\":4}");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> eventBridge.awaitQuiescence(Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("1 deliveries"), e.getMessage());
        release.countDown();
        eventBridge.awaitQuiescence(WAIT);
        assertEquals(List.of("{\"n\":4}"), delivered);
    }

    @Test
    void synchronousDeliveryHasHappenedWhenPutEventsReturns() {
        try (LocalEventBridge sync = LocalEventBridge.start(LocalEventBridge.Delivery.SYNCHRONOUS)) {
            List<String> delivered = Collections.synchronizedList(new ArrayList<>());
            sync.registerTarget("arn:sync", input -> {
                delivered.add(input);
                if (tree(input).get("n").asInt() < 3) {
                    // Handlers may publish from within a synchronous delivery.
                    sync.client().putEvents(r -> r.entries(e -> e.source("freshet").detailType("Next")
                            .detail("{\"n\":" + (tree(input).get("n").asInt() + 1) + "}")));
                }
            });
            sync.client().putRule(r -> r.name("sync-" + UUID.randomUUID()).eventPattern("{\"source\":[\"freshet\"]}"));
            String rule = sync.client().listRules(r -> r.namePrefix("sync-")).rules().get(0).name();
            sync.client().putTargets(r -> r.rule(rule).targets(t -> t.id("t").arn("arn:sync").inputPath("$.detail")));

            sync.client().putEvents(r -> r.entries(e -> e.source("freshet").detailType("First").detail("{\"n\":1}")));
            assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), delivered);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
