package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.freshet.s3events.ObjectChange;
import io.freshet.s3events.ObjectDeleted;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.location.KeyMatch;
import io.freshet.core.location.KeyMatcher;
import io.freshet.core.location.StackParameters;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.trigger.Readiness;
import io.freshet.local.stack.TemplateWiring;
import io.freshet.rulessync.ConsumerRules;
import io.freshet.rulessync.DesiredRule;
import io.freshet.rulessync.RulesSyncHandler;
import io.freshet.s3events.ObjectCreated;
import io.freshet.s3events.S3Notifications;
import io.freshet.testkit.LocalEventBridge;
import software.amazon.event.ruler.Machine;

/**
 * local/events/*.json (the sample events of {@code sam local invoke -e}, docs/local.md) and
 * local/env.json (its {@code --env-vars}) read by the same code the functions use: the S3
 * notification parser, EventJson, the rules' patterns (matched by AWS's Event Ruler), the
 * consumer rules' input template, the rules-sync custom resource. The samples also tell one
 * story: the trigger's event is the Asset Updated s3-events makes of the S3 event, and the
 * runner's event names the run the trigger creates from it on a fresh stack.
 */
class LocalEventsTest {

    static final Path LOCAL = Path.of(".");
    static final Project PROJECT = ProjectLoader.load(Path.of("../pipelines")).orThrow();
    static final JsonNode ENV = read(LOCAL.resolve("env.json"));
    static final String TABLE = ENV.path("S3EventsFunction").path("FRESHET_TABLE").asText();
    static final String BUS = ENV.path("S3EventsFunction").path("FRESHET_BUS").asText();
    static final String LAKE = ENV.path("S3EventsFunction").path("FRESHET_LAKE_BUCKET").asText();
    static final TemplateWiring WIRING = TemplateWiring.read(Path.of("../template.yaml"),
            Map.of("StateTable", TABLE, "Bus", BUS, "LakeBucket", LAKE), id -> "arn:aws:lambda:eu-central-1:000000000000:function:" + id);

    static JsonNode read(Path file) {
        try {
            return EventJson.read(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode event(String name) {
        return read(LOCAL.resolve("events").resolve(name));
    }

    static boolean matches(String pattern, JsonNode event) throws Exception {
        Machine m = Machine.builder().build();
        m.addRule("rule", pattern);
        return !m.rulesForJSONEvent(EventJson.write(event)).isEmpty();
    }

    static ObjectCreated s3Object() {
        List<ObjectChange> objects = S3Notifications.parse(event("s3-object-created.json")).all();
        assertEquals(1, objects.size(), objects.toString());
        return (ObjectCreated) objects.get(0);
    }

    @Test
    void thereIsOneEventPerFunctionAndEachIsJson() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(LOCAL.resolve("events"))) {
            files.forEach(f -> {
                names.add(f.getFileName().toString());
                assertTrue(read(f).isObject(), f + " is a JSON object");
            });
        }
        assertEquals(Set.of("s3-object-created.json", "s3-object-deleted.json", "trigger-asset-updated.json", "runner-run-requested.json",
                "scheduler-tick.json", "rules-sync-create.json"), names);
    }

    @Test
    void envJsonGivesEveryFunctionItsTemplateVariablesAndTheLocalStackEndpoints() {
        Set<String> functions = new TreeSet<>();
        ENV.fieldNames().forEachRemaining(functions::add);
        assertEquals(new TreeSet<>(WIRING.functions().keySet()), functions);
        for (TemplateWiring.LambdaFunction f : WIRING.functions().values()) {
            JsonNode vars = ENV.get(f.logicalId());
            // sam local invoke leaves a variable the template gives by !Ref empty unless env.json sets it.
            for (String declared : f.environment().keySet()) {
                assertTrue(vars.has(declared), f.logicalId() + " sets " + declared);
            }
            for (Map.Entry<String, JsonNode> v : vars.properties()) {
                assertTrue(v.getValue().isTextual(), f.logicalId() + "." + v.getKey() + " is a string");
            }
            assertEquals(TABLE, vars.path("FRESHET_TABLE").asText(), f.logicalId());
            assertEquals(BUS, vars.path("FRESHET_BUS").asText(), f.logicalId());
            assertEquals(LAKE, vars.path("FRESHET_LAKE_BUCKET").asText(), f.logicalId());
            assertEquals(LAKE, StackParameters.parseJson(vars.path("FRESHET_PARAMETERS").asText()).lakeBucket(), f.logicalId());
            for (String service : List.of("DYNAMODB", "EVENTBRIDGE", "S3")) {
                URI endpoint = URI.create(vars.path("FRESHET_ENDPOINT_" + service).asText());
                assertEquals("http", endpoint.getScheme(), f.logicalId() + " " + service);
                assertEquals(4566, endpoint.getPort(), f.logicalId() + " " + service);
            }
        }
        JsonNode runner = ENV.get("RunnerFunction");
        for (Source s : PROJECT.sources()) {
            if (s instanceof Source.Postgres pg) {
                String prefix = "FRESHET_PG_" + pg.connection().toUpperCase(Locale.ROOT).replace('-', '_');
                assertTrue(runner.path(prefix + "_URL").asText().startsWith("jdbc:postgresql://"), prefix);
                assertFalse(runner.path(prefix + "_USER").asText().isBlank(), prefix);
                assertTrue(runner.has(prefix + "_PASSWORD"), prefix);
            }
        }
    }

    @Test
    void theS3EventIsWhatTheS3RuleRoutesAndTheParserReads() throws Exception {
        ObjectCreated o = s3Object();
        assertEquals(LAKE, o.bucket());
        assertEquals("landing/taps/date=2026-06-02/taps-0715.csv", o.key()); // S3 form-encodes keys: %3D is =
        KeyMatcher.Builder sources = KeyMatcher.builder();
        for (Source s : PROJECT.sources()) {
            if (s instanceof Source.S3 s3) {
                sources.add(s3.name(), s3.location().resolve(Map.of("LakeBucket", LAKE)));
            }
        }
        assertEquals(List.of(new KeyMatch("landing.taps", "2026-06-02")), sources.build().match(o.bucket(), o.key()));
        TemplateWiring.Rule rule = WIRING.rules().stream().filter(r -> r.function().equals("S3EventsFunction")).findFirst().orElseThrow();
        assertTrue(matches(rule.pattern(), event("s3-object-created.json")), rule.pattern());
        // The same export deleted: routed by the same rule, read as a delete marker of that key.
        assertTrue(matches(rule.pattern(), event("s3-object-deleted.json")), rule.pattern());
        ObjectDeleted d = (ObjectDeleted) S3Notifications.parse(event("s3-object-deleted.json")).all().get(0);
        assertEquals(o.key(), d.key());
        assertTrue(d.deleteMarker());
        assertTrue(d.sequencer().compareTo(o.sequencer()) > 0, "sequenced after the upload");
    }

    @Test
    void theTriggerEventIsTheAssetUpdatedOfTheS3EventAsItsConsumerRuleDeliversIt() throws Exception {
        JsonNode delivery = event("trigger-asset-updated.json");
        Pipeline consumer = PROJECT.pipeline(EventJson.text(delivery, "pipeline")).orElseThrow();
        JsonNode envelope = delivery.get("event");
        assertEquals(EventJson.ASSET_UPDATED, EventJson.text(envelope, "detail-type"));
        assertEquals(EventJson.SOURCE, EventJson.text(envelope, "source"));
        AssetEvent a = EventJson.assetEvent(envelope.get("detail"));
        // exactly what the s3-events function records and announces for s3-object-created.json
        ObjectCreated o = s3Object();
        assertEquals(Ids.objectVersion(o.bucket(), o.key(), o.versionId().orElseThrow(), a.asset()), a.eventId());
        assertEquals("landing.taps", a.asset());
        assertEquals("2026-06-02", a.partition());
        assertEquals(o.time(), a.time());
        assertEquals(o.dataVersion(), a.dataVersion());
        assertEquals(List.of(o.uri()), a.objects());
        assertEquals(Map.of("bytes", Long.toString(o.size()), "etag", o.etag(), "sequencer", o.sequencer(), "versionId", o.versionId().orElseThrow()),
                a.metadata());
        assertEquals(EventJson.read(EventJson.assetUpdated(a)), envelope.get("detail"));
        assertTrue(consumer.input(a.asset()).isPresent());
        // and routed as the consumer's rule routes it: its pattern matches, its input template wraps it
        String prefix = WIRING.consumerRules().orElseThrow().rulePrefix();
        DesiredRule rule = ConsumerRules.compute(PROJECT, prefix, "arn:aws:lambda:eu-central-1:000000000000:function:freshet-trigger:live")
                .stream().filter(r -> r.name().endsWith(consumer.name())).findFirst().orElseThrow();
        assertTrue(matches(rule.eventPattern(), envelope), rule.eventPattern());
        assertEquals(EventJson.read(rule.inputTemplate().replace("<aws.events.event.json>", EventJson.write(envelope))), delivery);
    }

    @Test
    void theRunnerEventNamesTheRunTheTriggerEventCreatesOnAFreshStack() throws Exception {
        JsonNode detail = event("runner-run-requested.json");
        JsonNode trigger = event("trigger-asset-updated.json");
        AssetEvent a = EventJson.assetEvent(trigger.get("event").get("detail"));
        Pipeline consumer = PROJECT.pipeline(trigger.get("pipeline").asText()).orElseThrow();
        String partition = Readiness.consumerPartitions(consumer, consumer.input(a.asset()).orElseThrow(), a.partition(), a.time()).get(0);
        List<String> consumed = new ArrayList<>();
        detail.path("consumed").forEach(c -> consumed.add(c.asText()));
        assertEquals(consumer.name(), EventJson.text(detail, "pipeline"));
        assertEquals(partition, EventJson.text(detail, "partition"));
        assertEquals(List.of(a.eventId()), consumed);
        assertEquals(Ids.run(consumer.name(), partition, consumed), EventJson.text(detail, "runId"));
        // the Run Requested rule passes the detail (InputPath $.detail) of an event its pattern matches
        TemplateWiring.Rule rule = WIRING.rules().stream().filter(r -> r.function().equals("RunnerFunction")).findFirst().orElseThrow();
        assertEquals("$.detail", rule.inputPath().orElseThrow());
        ObjectNode envelope = EventJson.MAPPER.createObjectNode().put("version", "0").put("id", "x").put("detail-type", EventJson.RUN_REQUESTED)
                .put("source", EventJson.SOURCE).put("account", "000000000000").put("time", "2026-06-02T05:15:03Z").put("region", "eu-central-1");
        envelope.putArray("resources");
        envelope.set("detail", detail);
        assertTrue(matches(rule.pattern(), envelope), rule.pattern());
    }

    @Test
    void theSchedulerEventIsTheSchedulesInput() {
        JsonNode tick = event("scheduler-tick.json");
        String time = EventJson.text(tick, "scheduledTime");
        Instant.parse(time);
        TemplateWiring.Schedule schedule = WIRING.schedules().stream().filter(s -> s.function().equals("SchedulerFunction")).findFirst().orElseThrow();
        assertEquals(EventJson.read(schedule.input().replace("<aws.scheduler.scheduled-time>", time)), tick);
    }

    @Test
    void theRulesSyncEventIsACreateTheCustomResourceAnswersWithSuccess() throws Exception {
        JsonNode create = event("rules-sync-create.json");
        TemplateWiring.ConsumerRules declared = WIRING.consumerRules().orElseThrow();
        assertEquals("Create", EventJson.text(create, "RequestType"));
        assertEquals("ConsumerRules", EventJson.text(create, "LogicalResourceId")); // its logical id in template.yaml
        JsonNode props = create.get("ResourceProperties");
        assertEquals(declared.bus(), EventJson.text(props, "BusName"));
        assertEquals(declared.rulePrefix(), EventJson.text(props, "RulePrefix"));
        URI.create(EventJson.text(create, "ResponseURL"));
        // the handler itself, against the in-process EventBridge
        try (LocalEventBridge bus = LocalEventBridge.start()) {
            bus.client().createEventBus(b -> b.name(declared.bus()));
            AtomicReference<String> answer = new AtomicReference<>();
            @SuppressWarnings("unchecked")
            Map<String, Object> request = EventJson.MAPPER.convertValue(create, Map.class);
            new RulesSyncHandler(bus.client(), Path.of("../pipelines"), (url, body) -> {
                answer.set(body);
                return 200;
            }).handleRequest(request, null);
            JsonNode response = EventJson.read(answer.get());
            assertEquals("SUCCESS", response.path("Status").asText(), answer.get());
            assertEquals(EventJson.text(create, "RequestId"), response.path("RequestId").asText());
            assertEquals(PROJECT.pipelines().size(), response.path("Data").path("Created").asInt(), answer.get());
        }
    }
}
