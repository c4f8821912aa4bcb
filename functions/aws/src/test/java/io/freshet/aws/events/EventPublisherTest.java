package io.freshet.aws.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.freshet.aws.events.EventPublisher.OutgoingEvent;
import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * EventPublisher against the local EventBridge, through a real SDK client whose interceptor
 * records each PutEvents request as it leaves (the n of each entry's detail), and a sleeper that
 * records the backoff instead of waiting.
 */
class EventPublisherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUS = "freshet";

    private LocalEventBridge eventBridge;
    private EventBridgeClient client;
    private final List<List<Integer>> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Duration> sleeps = new ArrayList<>();
    private EventPublisher publisher;

    @BeforeEach
    void start() {
        eventBridge = LocalEventBridge.start();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutEventsRequest put) {
                    requests.add(put.entries().stream().map(EventPublisherTest::number).toList());
                }
            }
        };
        client = EventBridgeClient.builder()
                .endpointOverride(eventBridge.endpoint())
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
                .build();
        publisher = new EventPublisher(client, BUS, Backoff.DEFAULT, sleeps::add);
    }

    @AfterEach
    void stop() {
        client.close();
        eventBridge.close();
    }

    private static OutgoingEvent event(int n) {
        return new OutgoingEvent("Asset Updated", "{\"n\":" + n + "}", List.of("arn:aws:s3:::lake/raw/taps/" + n));
    }

    private static List<OutgoingEvent> events(int count) {
        return IntStream.range(0, count).mapToObj(EventPublisherTest::event).toList();
    }

    private static int number(PutEventsRequestEntry entry) {
        try {
            JsonNode n = JSON.readTree(entry.detail()).get("n");
            return n == null ? -1 : n.asInt();
        } catch (Exception e) {
            return -1; // not JSON
        }
    }

    /** The n of every event the bus accepted, in the order it accepted them. */
    private List<Integer> accepted() throws Exception {
        List<Integer> ns = new ArrayList<>();
        for (String envelope : eventBridge.events(BUS)) {
            ns.add(JSON.readTree(envelope).at("/detail/n").asInt());
        }
        return ns;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void twentyFiveEventsGoOutInThreeBatchesInOrder() throws Exception {
        publisher.publish(events(25));

        assertEquals(List.of(range(0, 10), range(10, 20), range(20, 25)), requests);
        assertEquals(range(0, 25), accepted());
        assertEquals(List.of(), sleeps);
        JsonNode first = JSON.readTree(eventBridge.events(BUS).get(0));
        assertEquals("freshet", first.get("source").asText());
        assertEquals("Asset Updated", first.get("detail-type").asText());
        assertEquals("arn:aws:s3:::lake/raw/taps/0", first.get("resources").get(0).asText());
    }

    @Test
    void onAPartialFailureOnlyTheFailedEntriesAreResent() throws Exception {
        eventBridge.failNextEntries(3, "ThrottlingException");
        publisher.publish(events(25));

        assertEquals(List.of(range(0, 10), range(0, 3), range(10, 20), range(20, 25)), requests);
        assertEquals(List.of(Duration.ofMillis(50)), sleeps);
        List<Integer> accepted = accepted();
        assertEquals(25, accepted.size(), "each event arrives once: " + accepted);
        assertEquals(range(0, 25), accepted.stream().sorted().toList());
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 9, 0, 1, 2), accepted.subList(0, 10));
    }

    @Test
    void entriesFailingOnEveryAttemptEndInAnExceptionWithTheirCodes() throws Exception {
        eventBridge.failNextEntries(2, "ThrottlingException");  // the first attempt
        eventBridge.failNextEntries(8, "InternalFailure");
        eventBridge.failNextEntries(1000, "InternalFailure");   // and every later one

        EventPublishException e = assertThrows(EventPublishException.class, () -> publisher.publish(events(12)));

        assertEquals(10, e.failures().size());
        assertTrue(e.failures().stream().allMatch(f -> f.detailType().equals("Asset Updated") && f.errorCode().equals("InternalFailure")),
                e.getMessage());
        assertEquals(5, e.attempts());
        assertEquals(2, e.notAttempted(), "the second batch is not sent");
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), sleeps);
        assertEquals(5, requests.size());
        assertTrue(requests.stream().allMatch(r -> r.equals(range(0, 10))), "the failed entries, in order, each time: " + requests);
        assertEquals(List.of(), accepted());
        assertTrue(e.getMessage().contains("InternalFailure"), e.getMessage());
    }

    @Test
    void nonRetryableCodesAreNotResent() throws Exception {
        List<OutgoingEvent> events = new ArrayList<>(events(4));
        events.set(1, new OutgoingEvent("Run Requested", "not json"));
        eventBridge.failNextEntries(1, "ThrottlingException");

        EventPublishException e = assertThrows(EventPublishException.class, () -> publisher.publish(events));

        assertEquals(List.of(new EventPublishException.FailedEntry("Run Requested", "MalformedDetail", "Detail is malformed.")),
                e.failures());
        assertEquals(List.of(List.of(0, -1, 2, 3), List.of(0)), requests, "only the throttled entry is resent");
        assertEquals(List.of(2, 3, 0), accepted());
    }

    @Test
    void anEventOver256KbFailsFastAndNothingIsSent() throws Exception {
        List<OutgoingEvent> events = new ArrayList<>(events(3));
        String big = "{\"objects\":\"" + "x".repeat(300 * 1024) + "\"}";
        events.add(new OutgoingEvent("Asset Updated", big));

        EventTooLargeException e = assertThrows(EventTooLargeException.class, () -> publisher.publish(events));

        assertEquals("Asset Updated", e.detailType());
        assertEquals(EventPublisher.entrySize(events.get(3)), e.sizeBytes());
        assertTrue(e.getMessage().contains("Asset Updated") && e.getMessage().contains(Long.toString(e.sizeBytes())), e.getMessage());
        assertEquals(List.of(), requests);
        assertEquals(List.of(), accepted());
    }

    @Test
    void batchesAreSplitWhenTheirSizesAddUpToOver256Kb() throws Exception {
        String pad = "x".repeat(30 * 1024);
        List<OutgoingEvent> events = IntStream.range(0, 10)
                .mapToObj(n -> new OutgoingEvent("Asset Updated", "{\"n\":" + n + ",\"pad\":\"" + pad + "\"}")).toList();
        publisher.publish(events);
        assertEquals(List.of(range(0, 8), range(8, 10)), requests);
        assertEquals(range(0, 10), accepted());
    }

    @Test
    void anEventOfExactly256KbIsSentAlone() throws Exception {
        String prefix = "{\"n\":0,\"pad\":\"";
        int padding = EventPublisher.MAX_REQUEST_BYTES - "freshet".length() - "Asset Updated".length() - prefix.length() - 2;
        OutgoingEvent atTheLimit = new OutgoingEvent("Asset Updated", prefix + "x".repeat(padding) + "\"}");
        assertEquals(EventPublisher.MAX_REQUEST_BYTES, EventPublisher.entrySize(atTheLimit));

        publisher.publish(List.of(atTheLimit, event(1)));
        assertEquals(List.of(List.of(0), List.of(1)), requests);
        assertEquals(List.of(0, 1), accepted());
    }

    @Test
    void nothingToPublishSendsNothing() {
        publisher.publish(List.of());
        assertEquals(List.of(), requests);
    }
}
