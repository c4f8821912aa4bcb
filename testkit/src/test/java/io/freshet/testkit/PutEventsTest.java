package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** PutEvents' limits and per-entry answers, through the SDK. */
class PutEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalEventBridge eventBridge;
    private static EventBridgeClient client;
    private String bus;

    @BeforeAll
    static void start() {
        eventBridge = LocalEventBridge.start();
        client = eventBridge.client();
    }

    @AfterAll
    static void stop() {
        eventBridge.close();
    }

    @BeforeEach
    void freshBus() {
        bus = "bus-" + UUID.randomUUID();
    }

    private PutEventsRequestEntry entry(String detail) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source("freshet").detailType("Asset Updated").detail(detail).build();
    }

    @Test
    void acceptedEntriesGetEventIdsAndAreLoggedInOrder() throws Exception {
        PutEventsResponse response = client.putEvents(r -> r.entries(entry("{\"n\":1}"), entry("{\"n\":2}"), entry("{\"n\":3}")));
        assertEquals(0, response.failedEntryCount());
        assertEquals(3, response.entries().size());
        List<String> events = eventBridge.events(bus);
        assertEquals(3, events.size());
        for (int i = 0; i < 3; i++) {
            JsonNode e = JSON.readTree(events.get(i));
            assertEquals(response.entries().get(i).eventId(), e.get("id").asText());
            assertEquals(i + 1, e.at("/detail/n").asInt());
        }
        assertEquals(events, eventBridge.events("arn:aws:events:eu-central-1:000000000000:event-bus/" + bus));
        assertEquals(List.of(), eventBridge.events("never-used"));
    }

    @Test
    void eachBadEntryFailsOnItsOwn() {
        PutEventsResponse response = client.putEvents(r -> r.entries(
                entry("[1, 2]"),
                entry("{\"ok\":true}"),
                entry("not json"),
                PutEventsRequestEntry.builder().eventBusName(bus).detailType("Asset Updated").detail("{}").build(),
                PutEventsRequestEntry.builder().eventBusName(bus).source("freshet").detail("{}").build(),
                PutEventsRequestEntry.builder().eventBusName(bus).source("freshet").detailType("Asset Updated").build()));
        assertEquals(5, response.failedEntryCount());
        List<String> codes = response.entries().stream().map(PutEventsResultEntry::errorCode).toList();
        assertEquals(Arrays.asList("MalformedDetail", null, "MalformedDetail", "InvalidArgument", "InvalidArgument", "InvalidArgument"), codes);
        assertNotNull(response.entries().get(1).eventId());
        assertNull(response.entries().get(0).eventId());
        assertNotNull(response.entries().get(0).errorMessage());
        assertEquals(1, eventBridge.events(bus).size());
    }

    @Test
    void moreThanTenEntriesIsAValidationError() {
        List<PutEventsRequestEntry> eleven = IntStream.range(0, 11).mapToObj(i -> entry("{}")).toList();
        EventBridgeException e = assertThrows(EventBridgeException.class, () -> client.putEvents(r -> r.entries(eleven)));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
        assertEquals(List.of(), eventBridge.events(bus));
        assertEquals(10, client.putEvents(r -> r.entries(eleven.subList(0, 10))).entries().size());
    }

    @Test
    void aRequestOver256KbAsAwsCountsItIsAValidationError() {
        String pad = "x".repeat(256 * 1024 - "freshet".length() - "Asset Updated".length() - "{\"p\":\"\"}".length());
        PutEventsRequestEntry exactlyAtTheLimit = entry("{\"p\":\"" + pad + "\"}");
        assertEquals(0, client.putEvents(r -> r.entries(exactlyAtTheLimit)).failedEntryCount());

        PutEventsRequestEntry oneByteOver = entry("{\"p\":\"" + pad + "x\"}");
        EventBridgeException e = assertThrows(EventBridgeException.class, () -> client.putEvents(r -> r.entries(oneByteOver)));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());

        String half = "y".repeat(140 * 1024);
        EventBridgeException two = assertThrows(EventBridgeException.class,
                () -> client.putEvents(r -> r.entries(entry("{\"p\":\"" + half + "\"}"), entry("{\"p\":\"" + half + "\"}"))));
        assertEquals("ValidationException", two.awsErrorDetails().errorCode());
        assertEquals(1, eventBridge.events(bus).size());
    }

    @Test
    void failNextEntriesFailsThatManyAcceptableEntries() {
        eventBridge.failNextEntries(2, "ThrottlingException");
        PutEventsResponse response = client.putEvents(r -> r.entries(entry("{\"n\":1}"), entry("oops"), entry("{\"n\":2}"), entry("{\"n\":3}")));
        assertEquals(List.of("ThrottlingException", "MalformedDetail", "ThrottlingException"),
                response.entries().subList(0, 3).stream().map(PutEventsResultEntry::errorCode).toList());
        assertNull(response.entries().get(3).errorCode());
        assertEquals(3, response.failedEntryCount());
        assertEquals(1, eventBridge.events(bus).size());
    }

    @Test
    void anExplicitTimeIsTheEnvelopesTimeToTheSecond() throws Exception {
        client.putEvents(r -> r.entries(entry("{}").toBuilder().time(Instant.parse("2026-05-26T01:02:03.456Z")).build()));
        assertEquals("2026-05-26T01:02:03Z", JSON.readTree(eventBridge.events(bus).get(0)).get("time").asText());
    }

    @Test
    void anEmptyRequestIsAValidationError() {
        EventBridgeException e = assertThrows(EventBridgeException.class, () -> client.putEvents(r -> r.entries(List.of())));
        assertTrue(e.awsErrorDetails().errorCode().equals("ValidationException"), e.getMessage());
    }
}
