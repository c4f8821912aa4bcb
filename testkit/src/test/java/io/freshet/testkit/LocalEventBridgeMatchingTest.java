package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.RuleState;

/**
 * Event patterns, matched by Event Ruler as EventBridge matches them. Synchronous delivery: each
 * PutEvents has reached its targets when it returns.
 */
@SuppressWarnings("unchecked") // the SDK\'s builders take Consumer<Builder>... varargs
class LocalEventBridgeMatchingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "arn:aws:lambda:eu-central-1:000000000000:function:matching";

    private static LocalEventBridge eventBridge;
    private static EventBridgeClient client;
    private static final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    private String bus;

    @BeforeAll
    static void start() {
        eventBridge = LocalEventBridge.start(LocalEventBridge.Delivery.SYNCHRONOUS);
        client = eventBridge.client();
        eventBridge.registerTarget(TARGET, received::add);
    }

    @AfterAll
    static void stop() {
        eventBridge.close();
    }

    @BeforeEach
    void freshBus() {
        bus = "bus-" + UUID.randomUUID();
        received.clear();
    }

    /** A rule whose target receives {"rule": its name, "id": the detail's id}. */
    private void rule(String name, String pattern) {
        client.putRule(r -> r.eventBusName(bus).name(name).eventPattern(pattern));
        client.putTargets(r -> r.eventBusName(bus).rule(name).targets(t -> t.id("t").arn(TARGET)
                .inputTransformer(x -> x.inputPathsMap(Map.of("id", "$.detail.id"))
                        .inputTemplate("{\"rule\": <aws.events.rule-name>, \"id\": <id>}"))));
    }

    /** Publishes one event per detail and answers "rule:id" for every delivery, sorted. */
    private List<String> publish(String detailType, String... details) throws Exception {
        for (String detail : details) {
            var response = client.putEvents(r -> r.entries(e -> e.eventBusName(bus).source("freshet").detailType(detailType).detail(detail)));
            assertEquals(0, response.failedEntryCount());
        }
        List<String> hits = new ArrayList<>();
        for (String input : received) {
            JsonNode n = JSON.readTree(input);
            hits.add(n.get("rule").asText() + ":" + n.get("id").asText());
        }
        received.clear();
        Collections.sort(hits);
        return hits;
    }

    @Test
    void exactValuesOfSourceDetailTypeAndDetail() throws Exception {
        rule("taps", "{\"source\":[\"freshet\"],\"detail-type\":[\"Asset Updated\"],\"detail\":{\"asset\":[\"raw.taps\",\"raw.stations\"]}}");
        assertEquals(List.of("taps:1", "taps:2"), publish("Asset Updated",
                "{\"id\":1,\"asset\":\"raw.taps\"}", "{\"id\":2,\"asset\":\"raw.stations\"}", "{\"id\":3,\"asset\":\"raw.routes\"}"));
        assertEquals(List.of(), publish("Run Succeeded", "{\"id\":4,\"asset\":\"raw.taps\"}"));
    }

    @Test
    void prefix() throws Exception {
        rule("raw", "{\"detail\":{\"asset\":[{\"prefix\":\"raw.\"}]}}");
        assertEquals(List.of("raw:1"), publish("Asset Updated", "{\"id\":1,\"asset\":\"raw.taps\"}", "{\"id\":2,\"asset\":\"core.trips\"}"));
    }

    @Test
    void anythingBut() throws Exception {
        rule("notRaw", "{\"detail\":{\"asset\":[{\"anything-but\":{\"prefix\":\"raw.\"}}]}}");
        rule("notTaps", "{\"detail\":{\"asset\":[{\"anything-but\":[\"raw.taps\",\"core.trips\"]}]}}");
        assertEquals(List.of("notRaw:2", "notRaw:3", "notTaps:2", "notTaps:3"), publish("Asset Updated",
                "{\"id\":1,\"asset\":\"raw.taps\"}", "{\"id\":2,\"asset\":\"core.network\"}", "{\"id\":3,\"asset\":\"mart.daily\"}"));
    }

    @Test
    void numericRanges() throws Exception {
        rule("big", "{\"detail\":{\"rows\":[{\"numeric\":[\">\",100,\"<=\",1000]}]}}");
        assertEquals(List.of("big:2", "big:3"), publish("Asset Updated",
                "{\"id\":1,\"rows\":100}", "{\"id\":2,\"rows\":100.5}", "{\"id\":3,\"rows\":1000}", "{\"id\":4,\"rows\":1001}",
                "{\"id\":5,\"rows\":\"500\"}"));
    }

    @Test
    void orAcrossFields() throws Exception {
        rule("either", "{\"source\":[\"freshet\"],\"$or\":[{\"detail\":{\"asset\":[\"raw.taps\"]}},{\"detail\":{\"pipeline\":[\"core_trips\"]}}]}");
        assertEquals(List.of("either:1", "either:2", "either:4"), publish("Anything",
                "{\"id\":1,\"asset\":\"raw.taps\"}", "{\"id\":2,\"pipeline\":\"core_trips\"}", "{\"id\":3,\"pipeline\":\"core_network\"}",
                "{\"id\":4,\"asset\":\"raw.taps\",\"pipeline\":\"core_trips\"}"), "both branches matching deliver once");
    }

    @Test
    void existsAndArrays() throws Exception {
        rule("partitioned", "{\"detail\":{\"partition\":[{\"exists\":true}]}}");
        rule("withObject", "{\"detail\":{\"objects\":[\"s3://lake/a.parquet\"]}}");
        assertEquals(List.of("partitioned:1", "withObject:2"), publish("Asset Updated",
                "{\"id\":1,\"partition\":\"2026-05-26\"}", "{\"id\":2,\"objects\":[\"s3://lake/b.parquet\",\"s3://lake/a.parquet\"]}"));
    }

    @Test
    void disabledRulesAndOtherBusesMatchNothing() throws Exception {
        rule("off", "{\"source\":[\"freshet\"]}");
        client.putRule(r -> r.eventBusName(bus).name("off").eventPattern("{\"source\":[\"freshet\"]}").state(RuleState.DISABLED));
        String otherBus = bus + "-other";
        client.putRule(r -> r.eventBusName(otherBus).name("elsewhere").eventPattern("{\"source\":[\"freshet\"]}"));
        client.putTargets(r -> r.eventBusName(otherBus).rule("elsewhere").targets(t -> t.id("t").arn(TARGET)));
        assertEquals(List.of(), publish("Asset Updated", "{\"id\":1}"));

        client.putRule(r -> r.eventBusName(bus).name("off").eventPattern("{\"source\":[\"freshet\"]}").state(RuleState.ENABLED));
        assertEquals(List.of("off:2"), publish("Asset Updated", "{\"id\":2}"));
    }

    @Test
    void changingAPatternForgetsTheOldOneAndDeletingARuleStopsIt() throws Exception {
        rule("r", "{\"detail\":{\"asset\":[\"raw.taps\"]}}");
        assertEquals(List.of("r:1"), publish("Asset Updated", "{\"id\":1,\"asset\":\"raw.taps\"}"));

        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern("{\"source\":[\"freshet\"],\"$or\":[{\"detail\":{\"asset\":[\"raw.routes\"]}},{\"detail\":{\"pipeline\":[\"p\"]}}]}"));
        assertEquals(List.of("r:3", "r:4"), publish("Asset Updated",
                "{\"id\":2,\"asset\":\"raw.taps\"}", "{\"id\":3,\"asset\":\"raw.routes\"}", "{\"id\":4,\"pipeline\":\"p\"}"));

        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern("{\"detail\":{\"asset\":[\"raw.taps\"]}}"));
        assertEquals(List.of("r:5"), publish("Asset Updated", "{\"id\":5,\"asset\":\"raw.taps\"}", "{\"id\":6,\"pipeline\":\"p\"}"));

        client.removeTargets(r -> r.eventBusName(bus).rule("r").ids("t"));
        client.deleteRule(r -> r.eventBusName(bus).name("r"));
        assertEquals(List.of(), publish("Asset Updated", "{\"id\":7,\"asset\":\"raw.taps\"}"));
    }

    @Test
    void everyMatchingRuleDeliversOnceToEachOfItsTargets() throws Exception {
        rule("a", "{\"source\":[\"freshet\"]}");
        rule("b", "{\"detail-type\":[\"Asset Updated\"]}");
        assertEquals(List.of("a:1", "b:1"), publish("Asset Updated", "{\"id\":1}"));
        assertEquals(List.of(), eventBridge.undelivered());
    }
}
