package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;

/** What targets receive: the envelope, Input, InputPath, InputTransformer; through the SDK. */
@SuppressWarnings("unchecked") // the SDK\'s builders take Consumer<Builder>... varargs
class InputTransformationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "arn:aws:lambda:eu-central-1:000000000000:function:inputs";
    private static final String DETAIL = "{\"asset\":\"raw.taps\",\"partition\":\"2026-05-26\",\"rows\":42,\"objects\":[\"s3://lake/a\",\"s3://lake/b\"]}";

    private static LocalEventBridge eventBridge;
    private static EventBridgeClient client;
    private static final List<String> received = Collections.synchronizedList(new ArrayList<>());
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

    /** Puts a rule for source freshet with one target, publishes DETAIL, answers what the target got. */
    private String deliver(Consumer<Target.Builder> target) {
        client.putRule(r -> r.eventBusName(bus).name("rule").eventPattern("{\"source\":[\"freshet\"]}"));
        client.putTargets(r -> r.eventBusName(bus).rule("rule").targets(t -> target.accept(t.id("t").arn(TARGET))));
        client.putEvents(r -> r.entries(e -> e.eventBusName(bus).source("freshet").detailType("Asset Updated")
                .resources("arn:aws:s3:::lake").detail(DETAIL)));
        assertEquals(1, received.size(), "one delivery");
        return received.get(0);
    }

    @Test
    void withoutInputSettingsTheTargetGetsTheEnvelope() throws Exception {
        JsonNode event = JSON.readTree(deliver(t -> { }));
        assertEquals(List.of("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"), fields(event));
        assertEquals("0", event.get("version").asText());
        assertEquals("Asset Updated", event.get("detail-type").asText());
        assertEquals("freshet", event.get("source").asText());
        assertEquals("000000000000", event.get("account").asText());
        assertEquals("eu-central-1", event.get("region").asText());
        assertTrue(event.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), event.get("time").asText());
        assertEquals("arn:aws:s3:::lake", event.get("resources").get(0).asText());
        assertEquals(JSON.readTree(DETAIL), event.get("detail"));
        assertEquals(List.of(event), eventBridge.events(bus).stream().map(InputTransformationTest::tree).toList(),
                "the target gets the envelope events() logged");
    }

    @Test
    void inputIsAConstant() {
        assertEquals("{\"fixed\": true}", deliver(t -> t.input("{\"fixed\": true}")));
    }

    @Test
    void inputPathSelectsAPartOfTheEvent() throws Exception {
        assertEquals(JSON.readTree(DETAIL), JSON.readTree(deliver(t -> t.inputPath("$.detail"))));
        received.clear();
        assertEquals("\"s3://lake/b\"", deliver(t -> t.inputPath("$.detail.objects[1]")));
    }

    @Test
    void theWholeEventJsonAndAPathInATemplate() throws Exception {
        String input = deliver(t -> t.inputTransformer(x -> x.inputPathsMap(Map.of("asset", "$.detail.asset"))
                .inputTemplate("{\"pipeline\": \"core_trips\", \"asset\": <asset>, \"event\": <aws.events.event.json>}")));
        JsonNode n = JSON.readTree(input);
        assertEquals("core_trips", n.get("pipeline").asText());
        assertEquals("raw.taps", n.get("asset").asText());
        assertEquals(tree(eventBridge.events(bus).get(0)), n.get("event"));
        assertEquals(JSON.readTree(DETAIL), n.at("/event/detail"));
    }

    @Test
    void stringsGoInRawInsideQuotesAndAsJsonOutside() throws Exception {
        String input = deliver(t -> t.inputTransformer(x -> x
                .inputPathsMap(Map.of("asset", "$.detail.asset", "rows", "$.detail.rows", "objects", "$.detail.objects",
                        "type", "$.detail-type", "missing", "$.detail.nothing"))
                .inputTemplate("{\"quoted\": \"<asset>\", \"bare\": <asset>, \"text\": \"<asset> has <rows> rows\", "
                        + "\"rows\": <rows>, \"objects\": <objects>, \"type\": \"<type>\", \"none\": <missing>, \"empty\": \"<missing>\", "
                        + "\"escaped\": \"say \\\"<asset>\\\"\", \"html\": \"<b>\"}")));
        JsonNode n = JSON.readTree(input);
        assertEquals("raw.taps", n.get("quoted").asText());
        assertEquals("raw.taps", n.get("bare").asText());
        assertEquals("raw.taps has 42 rows", n.get("text").asText());
        assertEquals(42, n.get("rows").asInt());
        assertEquals(List.of("s3://lake/a", "s3://lake/b"), JSON.convertValue(n.get("objects"), List.class));
        assertEquals("Asset Updated", n.get("type").asText());
        assertTrue(n.get("none").isNull());
        assertEquals("", n.get("empty").asText());
        assertEquals("say \"raw.taps\"", n.get("escaped").asText());
        assertEquals("<b>", n.get("html").asText(), "an unknown <name> stays as it is");
    }

    @Test
    void aPlainTextTemplateQuotesStringsOutsideQuotes() {
        assertEquals("\"raw.taps\" is in \"2026-05-26\"", deliver(t -> t.inputTransformer(x -> x
                .inputPathsMap(Map.of("asset", "$.detail.asset", "partition", "$.detail.partition"))
                .inputTemplate("<asset> is in <partition>"))));
    }

    @Test
    void predefinedRuleNameArnIngestionTimeAndEventWithoutDetail() throws Exception {
        JsonNode n = JSON.readTree(deliver(t -> t.inputTransformer(x -> x.inputTemplate(
                "{\"name\": <aws.events.rule-name>, \"arn\": \"<aws.events.rule-arn>\", \"at\": <aws.events.event.ingestion-time>, "
                        + "\"event\": <aws.events.event>}"))));
        assertEquals("rule", n.get("name").asText());
        assertEquals("arn:aws:events:eu-central-1:000000000000:rule/" + bus + "/rule", n.get("arn").asText());
        assertTrue(n.get("at").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), n.get("at").asText());
        assertEquals("freshet", n.at("/event/source").asText());
        assertFalse(n.get("event").has("detail"), "AWS documents <aws.events.event> as the event without its detail");
    }

    private static List<String> fields(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
