package io.freshet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;

/**
 * The trigger believes only what the state table holds: an Asset Updated is accepted when its id
 * is recorded with the same fields, a run's end when the run is recorded, ended, for that
 * pipeline and partition. Anything else put on the bus is rejected through the handler (which
 * fails the invocation, so Lambda dead-letters it) with its reason, and changes nothing.
 */
class ForgedEventsTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final AtomicInteger TABLES = new AtomicInteger();
    static LocalDynamo dynamo;

    @BeforeContainer
    static void start() {
        dynamo = LocalDynamo.start();
    }

    @AfterContainer
    static void stop() {
        dynamo.close();
    }

    /** A fresh table, the trigger's handler over it, what it announced and logged. */
    static final class World {
        final StateStore store;
        final TriggerHandler handler;
        final List<String> announced = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();

        World() {
            String table = "forged-" + TABLES.incrementAndGet();
            DynamoStateStore.createTable(dynamo.client(), table);
            store = new DynamoStateStore(dynamo.client(), table, Clock.systemUTC());
            JsonLog jsonLog = new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC(), Map.of("function", "trigger"));
            handler = new TriggerHandler(new TriggerService(METRO, store,
                    (type, json) -> announced.add(type), jsonLog, Clock.systemUTC()), jsonLog);
        }

        /** What the consumer rule of {@code pipeline} delivers for an event of {@code detailType} with this detail. */
        void deliver(String pipeline, String detailType, String detail) throws Exception {
            String delivery = """
                    {"pipeline":"%s","event":{"version":"0","id":"e1","detail-type":"%s","source":"freshet","account":"000000000000",
                     "time":"2026-05-26T05:00:00Z","region":"eu-central-1","resources":[],"detail":%s}}
                    """.formatted(pipeline, detailType, detail);
            handler.handleRequest(new ByteArrayInputStream(delivery.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
        }

        String rejected(String pipeline, String detailType, String detail) {
            MalformedEventException e = assertThrows(MalformedEventException.class, () -> deliver(pipeline, detailType, detail));
            String logged = log.toString(StandardCharsets.UTF_8);
            assertTrue(logged.contains("rejected delivery") && logged.contains(EventJson.write(EventJson.MAPPER.getNodeFactory().textNode(e.getMessage()))
                    .replaceAll("^\"|\"$", "")), "the reason is logged: " + logged);
            return e.getMessage();
        }

        boolean nothingHappened(String pipeline, String partition) {
            return announced.isEmpty() && store.consumers().view(pipeline, partition).pending().isEmpty() && store.runs().of(pipeline).isEmpty();
        }
    }

    static AssetEvent taps(String id) {
        return new AssetEvent(id, "landing.taps", "2026-05-26", Instant.parse("2026-05-26T06:15:02Z"),
                new Producer(Producer.Kind.S3_UPLOAD, "s3://lake/landing/taps/date=2026-05-26/taps-0615.csv"), "v-3HL4kqtJlcpXroDTDmJ",
                Optional.empty(), List.of("s3://lake/landing/taps/date=2026-05-26/taps-0615.csv"), Map.of("bytes", "5213", "etag", "9b2c"));
    }

    /** The way s3-events and the runner record an event before they announce it. */
    static String record(World w, AssetEvent e) {
        String json = EventJson.assetUpdated(e);
        w.store.events().record(e);
        return json;
    }

    @Property(tries = 1)
    void aRecordedEventIsAcceptedAsDelivered() throws Exception {
        World w = new World();
        String detail = record(w, taps("s3-genuine"));
        w.deliver("core_trips", EventJson.ASSET_UPDATED, detail);
        assertEquals(List.of(EventJson.RUN_REQUESTED), w.announced, "core_trips runs on landing.taps");
        assertEquals(List.of("s3-genuine"), w.store.runs().of("core_trips").get(0).consumed());
    }

    @Property(tries = 1)
    void anEventIdNobodyRecordedIsRejectedAsForged() {
        World w = new World();
        String reason = w.rejected("core_trips", EventJson.ASSET_UPDATED, EventJson.assetUpdated(taps("s3-made-up")));
        assertEquals("Asset Updated s3-made-up of landing.taps/2026-05-26 is not a recorded event: rejected as forged", reason);
        assertTrue(w.nothingHappened("core_trips", "2026-05-26"));
    }

    /** One way to alter a recorded event's detail: the field it changes and what it does to the JSON. */
    record Alteration(String field, Consumer<ObjectNode> apply) {
        @Override
        public String toString() {
            return field;
        }
    }

    @Provide
    Arbitrary<Alteration> alterations() {
        return Arbitraries.of(
                new Alteration("asset", d -> d.put("asset", "raw.stations")),
                new Alteration("partition", d -> d.put("partition", "2026-05-25")),
                new Alteration("objects", d -> ((ArrayNode) d.get("objects")).add("s3://lake/landing/taps/date=2026-05-26/other.csv")),
                new Alteration("objects", d -> ((ArrayNode) d.get("objects")).set(0, EventJson.MAPPER.getNodeFactory().textNode("s3://lake/evil.csv"))),
                new Alteration("objects", d -> ((ArrayNode) d.get("objects")).removeAll()),
                new Alteration("time", d -> d.put("time", "2026-05-26T23:59:59Z")),
                new Alteration("dataVersion", d -> d.put("dataVersion", "v-other")),
                new Alteration("producer", d -> ((ObjectNode) d.get("producer")).put("id", "s3://lake/elsewhere.csv")),
                new Alteration("codeVersion", d -> d.put("codeVersion", "abc")),
                new Alteration("metadata", d -> ((ObjectNode) d.get("metadata")).put("bytes", "1")));
    }

    @Property(tries = 30)
    void anyAlteredFieldOfARecordedEventIsRejectedAndNamed(@ForAll("alterations") Alteration alteration) {
        World w = new World();
        ObjectNode detail = (ObjectNode) EventJson.read(record(w, taps("s3-recorded")));
        alteration.apply().accept(detail);
        String reason = w.rejected("core_trips", EventJson.ASSET_UPDATED, EventJson.write(detail));
        assertTrue(reason.startsWith("Asset Updated s3-recorded of "), reason);
        assertTrue(reason.contains("differs from the recorded event in " + alteration.field() + " "), reason);
        assertTrue(reason.endsWith("rejected as altered"), reason);
        for (String partition : List.of("2026-05-25", "2026-05-26")) {
            assertTrue(w.nothingHappened("core_trips", partition), "nothing pending or run for " + partition);
        }
    }

    @Property(tries = 1)
    void aRunEndIsAcceptedOnlyForARecordedRunThatEnded() throws Exception {
        World w = new World();
        w.deliver("core_trips", EventJson.ASSET_UPDATED, record(w, taps("s3-first")));
        Run run = w.store.runs().of("core_trips").get(0);
        String end = EventJson.runFinished(run, "done");

        assertTrue(w.rejected("core_trips", EventJson.RUN_SUCCEEDED, end).endsWith("the recorded run has not ended (QUEUED): rejected as forged"));
        String madeUp = end.replace(run.runId(), "run-made-up");
        assertEquals(EventJson.RUN_FAILED + " of run run-made-up (core_trips/2026-05-26) names no recorded run: rejected as forged",
                w.rejected("core_trips", EventJson.RUN_FAILED, madeUp));
        String otherPartition = end.replace("\"2026-05-26\"", "\"2026-05-25\"");
        assertTrue(w.rejected("core_trips", EventJson.RUN_SUCCEEDED, otherPartition).contains("differs from the recorded run, of core_trips/2026-05-26"));

        // ended: its end is believed, and a second export that waited gets its run
        w.store.runs().finishUnfenced(run.runId(), RunState.SUCCEEDED, "done");
        w.store.events().record(taps("s3-second"));
        w.announced.clear();
        w.deliver("core_trips", EventJson.ASSET_UPDATED, EventJson.assetUpdated(taps("s3-second")));
        w.deliver("core_trips", EventJson.RUN_SUCCEEDED, end);
        List<String> runs = new ArrayList<>(w.store.runs().of("core_trips").stream().map(Run::runId).toList());
        assertEquals(2, runs.size(), runs.toString());
    }
}
