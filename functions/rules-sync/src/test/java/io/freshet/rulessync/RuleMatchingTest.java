package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * The metro's rules on a real (local) EventBridge: events go in through PutEvents, and the test
 * watches what the trigger function's target receives.
 */
class RuleMatchingTest {

    private static final String TRIGGER_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:freshet-trigger";
    private static final String BUS = "freshet-matching";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalEventBridge eventBridge;
    private static final ConcurrentLinkedQueue<String> delivered = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        eventBridge = LocalEventBridge.start();
        eventBridge.registerTarget(TRIGGER_ARN, delivered::add);
        List<DesiredRule> rules = ConsumerRules.compute(TestPipelines.metro(), "freshet", TRIGGER_ARN);
        new RulesReconciler(eventBridge.client(), BUS, "freshet").reconcile(rules);
    }

    @AfterAll
    static void stop() {
        eventBridge.close();
    }

    /** What each pipeline was handed, as detail ids, after publishing {@code events}. */
    private static Map<String, Set<String>> deliver(List<PutEventsRequestEntry> events) throws Exception {
        delivered.clear();
        for (int from = 0; from < events.size(); from += 10) { // PutEvents takes at most 10 entries
            List<PutEventsRequestEntry> batch = events.subList(from, Math.min(events.size(), from + 10));
            PutEventsResponse response = eventBridge.client().putEvents(r -> r.entries(batch));
            assertEquals(0, response.failedEntryCount());
        }
        eventBridge.awaitQuiescence(Duration.ofSeconds(10));
        Map<String, Set<String>> received = new TreeMap<>();
        for (String input : delivered) {
            JsonNode wrapped = JSON.readTree(input);
            assertEquals(Set.of("pipeline", "event"), fieldNames(wrapped), "the target gets {pipeline, event}: " + input);
            JsonNode event = wrapped.get("event");
            assertEquals("freshet", event.get("source").asText());
            received.computeIfAbsent(wrapped.get("pipeline").asText(), k -> new TreeSet<>()).add(event.get("detail").get("eventId").asText());
        }
        return received;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static PutEventsRequestEntry assetUpdated(String asset, String eventId) {
        return event("freshet", "Asset Updated", Map.of("asset", asset, "partition", "2026-05-26", "eventId", eventId));
    }

    private static PutEventsRequestEntry run(String detailType, String pipeline, String eventId) {
        return event("freshet", detailType, Map.of("pipeline", pipeline, "runId", "run-" + UUID.randomUUID(),
                "partition", "2026-05-26", "eventId", eventId));
    }

    private static PutEventsRequestEntry event(String source, String detailType, Map<String, String> detail) {
        try {
            String json = JSON.writeValueAsString(detail);
            return PutEventsRequestEntry.builder().eventBusName(BUS).source(source).detailType(detailType).detail(json).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachAssetUpdateReachesExactlyItsConsumers() throws Exception {
        List<PutEventsRequestEntry> events = new ArrayList<>();
        for (String asset : List.of("landing.taps", "raw.stations", "raw.passengers", "raw.routes", "raw.route_stations",
                "core.trips", "core.network", "raw.taps", "mart.daily_ridership", "metro.db")) {
            events.add(assetUpdated(asset, asset));
        }
        Map<String, Set<String>> received = deliver(events);
        assertEquals(Map.of(
                "core_trips", Set.of("landing.taps", "raw.stations", "raw.passengers"),
                "core_network", Set.of("raw.stations", "raw.routes", "raw.route_stations"),
                "daily_ridership", Set.of("core.trips", "core.network")), received);
    }

    @Test
    void eachPipelineHearsOnlyOfItsOwnFinishedRuns() throws Exception {
        Map<String, Set<String>> received = deliver(List.of(
                run("Run Succeeded", "core_trips", "trips-succeeded"),
                run("Run Failed", "core_network", "network-failed"),
                run("Run Skipped", "daily_ridership", "ridership-skipped"),
                run("Run Succeeded", "daily_ridership", "ridership-succeeded"),
                run("Run Succeeded", "metro_snapshot", "snapshot-succeeded"),
                run("Run Started", "metro_snapshot", "snapshot-started"),
                run("Run Started", "core_trips", "trips-started")));
        assertEquals(Map.of(
                "core_trips", Set.of("trips-succeeded"),
                "core_network", Set.of("network-failed"),
                "daily_ridership", Set.of("ridership-skipped", "ridership-succeeded"),
                "metro_snapshot", Set.of("snapshot-succeeded")), received);
    }

    @Test
    void eventsFromAnotherSourceOrWithTheWrongShapeMatchNothing() throws Exception {
        Map<String, Set<String>> received = deliver(List.of(
                event("someone.else", "Asset Updated", Map.of("asset", "landing.taps", "eventId", "foreign")),
                event("freshet", "Asset Updated", Map.of("pipeline", "core_trips", "eventId", "updated-with-pipeline")),
                event("freshet", "Run Succeeded", Map.of("asset", "landing.taps", "eventId", "run-with-asset"))));
        assertEquals(Map.of(), received);
    }

    @Test
    void theTargetGetsTheWholeEventWrappedWithThePipelineName() throws Exception {
        delivered.clear();
        eventBridge.client().putEvents(r -> r.entries(assetUpdated("landing.taps", "whole-event")));
        eventBridge.awaitQuiescence(Duration.ofSeconds(10));
        assertEquals(1, delivered.size());
        JsonNode wrapped = JSON.readTree(delivered.peek());
        assertEquals("core_trips", wrapped.get("pipeline").asText());
        JsonNode event = wrapped.get("event");
        assertEquals("Asset Updated", event.get("detail-type").asText());
        assertEquals("freshet", event.get("source").asText());
        assertEquals("landing.taps", event.get("detail").get("asset").asText());
        assertEquals("2026-05-26", event.get("detail").get("partition").asText());
        assertEquals("whole-event", event.get("detail").get("eventId").asText());
        for (String envelope : List.of("id", "time", "account", "region", "version")) {
            assertEquals(true, event.has(envelope), "the event keeps its envelope field " + envelope + ": " + event);
        }
    }
}
