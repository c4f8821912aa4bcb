package io.freshet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.Request;
import io.freshet.state.ConsumerView;
import io.freshet.state.DirtyPartition;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.testkit.CrashAfterWrites;
import io.freshet.testkit.LocalDynamo;

/**
 * An event that makes its consumer partition ready by itself starts the run in the trigger's one
 * write, never joining the pending set; every other case still goes through the pending set. On
 * DynamoDB Local, with the metro example's core_trips ({@code landing.taps | raw.stations}, a
 * freshness policy: the tick looks at its partitions with new input, and such a run's partition
 * is among them only once the run failed).
 */
class RunOnDeliveryTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final Pipeline CORE_TRIPS = METRO.pipeline("core_trips").orElseThrow();
    static final String DAY = "2026-05-26";
    static final AtomicInteger TABLES = new AtomicInteger();
    static LocalDynamo dynamo;

    final List<String> announced = new CopyOnWriteArrayList<>();
    StateStore store;
    TriggerService trigger;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    final String table;

    RunOnDeliveryTest() {
        table = "on-delivery-" + TABLES.incrementAndGet();
        DynamoStateStore.createTable(dynamo.client(), table);
        store = new DynamoStateStore(dynamo.client(), table, Clock.systemUTC());
        trigger = new TriggerService(METRO, store, (type, json) -> announced.add(type),
                new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Map.of()), Clock.systemUTC());
    }

    static AssetEvent taps(String id, int minute) {
        return new AssetEvent(id, "landing.taps", DAY, Instant.parse(DAY + "T07:00:00Z").plusSeconds(60L * minute),
                new Producer(Producer.Kind.S3_UPLOAD, "s3://lake/landing/taps/" + id), "v-" + id, Optional.empty(), List.of(), Map.of());
    }

    AssetEvent recorded(AssetEvent e) {
        store.events().record(e);
        return e;
    }

    ConsumerView partition() {
        return store.consumers().view(CORE_TRIPS.name(), DAY);
    }

    List<String> dirty() {
        return store.schedule().dirtyPartitions(CORE_TRIPS.name()).stream().map(DirtyPartition::partition).toList();
    }

    @Test
    void anEventThatMakesThePartitionReadyIsConsumedByItsRunWithoutWaiting() {
        AssetEvent e = recorded(taps("ev-1", 0));
        trigger.onAssetUpdated(CORE_TRIPS, e);

        ConsumerView view = partition();
        Run run = store.runs().run(view.activeRun().orElseThrow()).orElseThrow();
        assertEquals(List.of("ev-1"), run.consumed());
        assertEquals(RunState.QUEUED, run.state());
        assertEquals(List.of(), view.pending(), "the event never waited");
        assertEquals(Optional.of(run.runId()), store.consumers().consumedBy(CORE_TRIPS.name(), DAY, "ev-1"));
        assertEquals(List.of("Run Requested"), announced);
        assertEquals(List.of(), dirty(), "no mark: the tick finds the partition among the active runs");
        assertEquals(List.of(DAY), store.runs().active().stream().filter(r -> r.pipeline().equals(CORE_TRIPS.name())).map(Run::partition).toList());
    }

    /**
     * A pipeline the tick starts (daily_ridership: a freshness policy, no trigger) only collects its
     * events, even when a request already waits in the partition that would let a run start: the
     * tick decides when, and the partition is marked for it.
     */
    @Test
    void anEventOfAPipelineTheTickStartsOnlyWaitsEvenBesideARequest() {
        Pipeline dailyRidership = METRO.pipeline("daily_ridership").orElseThrow();
        Request tick = Request.tick(dailyRidership.name(), Instant.parse(DAY + "T07:00:00Z"));
        assertTrue(store.consumers().addPending(dailyRidership.name(), DAY, tick.asPending()));
        AssetEvent trips = recorded(new AssetEvent("ev-trips", "core.trips", DAY, Instant.parse(DAY + "T08:00:00Z"),
                new Producer(Producer.Kind.RUN, "run-1"), "v-trips", Optional.empty(), List.of(), Map.of()));

        trigger.onAssetUpdated(dailyRidership, trips);

        ConsumerView view = store.consumers().view(dailyRidership.name(), DAY);
        assertEquals(Optional.empty(), view.activeRun(), "no run on delivery: the tick starts this pipeline");
        assertEquals(List.of(), store.runs().of(dailyRidership.name()));
        assertEquals(2, view.pending().size(), "the request and the event wait: " + view.pending());
        assertEquals(List.of(DAY), store.schedule().dirtyPartitions(dailyRidership.name()).stream().map(DirtyPartition::partition).toList());
        assertEquals(List.of(), announced);
    }

    @Test
    void aRedeliveryMakesNoSecondRun() {
        AssetEvent e = recorded(taps("ev-1", 0));
        trigger.onAssetUpdated(CORE_TRIPS, e);
        String runId = partition().activeRun().orElseThrow();

        trigger.onAssetUpdated(CORE_TRIPS, e);
        store.runs().finishUnfenced(runId, RunState.SUCCEEDED, "test");
        trigger.onAssetUpdated(CORE_TRIPS, e); // and once the run is over

        assertEquals(1, store.runs().of(CORE_TRIPS.name()).size());
        assertEquals(List.of(), partition().pending());
        assertEquals(List.of("Run Requested"), announced);
        assertEquals(List.of(), dirty());
    }

    @Test
    void aFailedRunMarksItsPartitionForTheTickWhenItsEndComesBackAndASucceededOneDoesNot() {
        trigger.onAssetUpdated(CORE_TRIPS, recorded(taps("ev-1", 0)));
        Run first = store.runs().run(partition().activeRun().orElseThrow()).orElseThrow();
        store.runs().finishUnfenced(first.runId(), RunState.SUCCEEDED, "test");
        trigger.handle(runEnd(EventJson.RUN_SUCCEEDED, first));
        assertEquals(List.of(), dirty(), "a succeeded run reflects what it consumed");

        trigger.onAssetUpdated(CORE_TRIPS, recorded(taps("ev-2", 1)));
        Run second = store.runs().run(partition().activeRun().orElseThrow()).orElseThrow();
        store.runs().finishUnfenced(second.runId(), RunState.FAILED, "test");
        trigger.handle(runEnd(EventJson.RUN_FAILED, second));
        trigger.handle(runEnd(EventJson.RUN_FAILED, second)); // a redelivery of the end marks again, and creates nothing
        assertEquals(List.of(DAY), dirty(), "what the failed run consumed is not in its outputs");
        assertEquals(2, store.runs().of(CORE_TRIPS.name()).size());
    }

    /**
     * The trigger's writes on a failed run's end (the mark, and the next run for what waited, at
     * once) are crash points: a trigger stopped right after either, and its retry, end as a clean
     * run does: one next run, consuming what waited, requested (by the sweep, when the trigger
     * stopped right after creating it: see RunLauncher.UNSTARTED_GRACE), and the partition marked.
     */
    @Test
    void aTriggerStoppedRightAfterAWriteOnARunFailureEndsAsACleanRunDoes() {
        List<String> clean = failedRunEnd(0);
        assertEquals(2, clean.size(), clean.toString());
        for (int crashAfter = 1; crashAfter <= clean.size(); crashAfter++) {
            assertEquals(clean.size(), failedRunEnd(crashAfter).size(), "crash after write " + crashAfter);
        }
    }

    /** A failed run's end handled by a trigger that stops after write {@code crashAfter} (0: never), then retried; its writes. */
    private List<String> failedRunEnd(int crashAfter) {
        RunOnDeliveryTest world = new RunOnDeliveryTest();
        world.trigger.onAssetUpdated(CORE_TRIPS, world.recorded(taps("ev-1", 0)));
        Run first = world.store.runs().run(world.partition().activeRun().orElseThrow()).orElseThrow();
        world.trigger.onAssetUpdated(CORE_TRIPS, world.recorded(taps("ev-2", 1))); // waits for the next run
        world.store.schedule().dirtyPartitions(CORE_TRIPS.name()).forEach(d -> world.store.schedule().clearDirty(CORE_TRIPS.name(), d));
        world.store.runs().finishUnfenced(first.runId(), RunState.FAILED, "test");
        world.announced.clear();

        CrashAfterWrites crash = new CrashAfterWrites(crashAfter);
        StateStore crashing = new DynamoStateStore(crash.dynamo(dynamo.endpoint()), world.table, Clock.systemUTC());
        TriggerService dying = new TriggerService(METRO, crashing, (type, json) -> world.announced.add(type),
                new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Map.of()), Clock.systemUTC());
        try {
            dying.handle(runEnd(EventJson.RUN_FAILED, first));
        } catch (RuntimeException stopped) {
            world.trigger.handle(runEnd(EventJson.RUN_FAILED, first)); // Lambda's retry of the delivery
        }
        List<Run> runs = world.store.runs().of(CORE_TRIPS.name());
        assertEquals(2, runs.size(), runs.toString());
        Run next = world.store.runs().run(world.partition().activeRun().orElseThrow()).orElseThrow();
        assertEquals(List.of("ev-2"), next.consumed());
        assertEquals(List.of(), world.partition().pending());
        // Requested, or (the trigger stopped right after creating it) requested by the sweep once its creator's grace is over.
        assertTrue(world.announced.contains("Run Requested")
                || RunLauncher.unstartedPastGrace(next, Instant.now().plus(RunLauncher.UNSTARTED_GRACE).plusSeconds(1)), world.announced.toString());
        assertEquals(List.of(DAY), world.dirty());
        return crash.writes();
    }

    /** A run's end as the consumer's rule delivers it to the trigger. */
    static JsonNode runEnd(String detailType, Run run) {
        ObjectNode delivery = EventJson.MAPPER.createObjectNode().put("pipeline", run.pipeline());
        delivery.putObject("event").put("detail-type", detailType).put("source", "freshet")
                .set("detail", EventJson.read(EventJson.runFinished(run, "test")));
        return delivery;
    }

    @Test
    void anEventArrivingDuringARunWaitsForTheNextOne() {
        trigger.onAssetUpdated(CORE_TRIPS, recorded(taps("ev-1", 0)));
        String first = partition().activeRun().orElseThrow();
        trigger.onAssetUpdated(CORE_TRIPS, recorded(taps("ev-2", 1)));
        trigger.onAssetUpdated(CORE_TRIPS, recorded(taps("ev-3", 2)));

        assertEquals(List.of("ev-2", "ev-3"), partition().pending().stream().map(p -> p.eventId()).toList());
        assertEquals(Optional.of(first), partition().activeRun());

        store.runs().finishUnfenced(first, RunState.SUCCEEDED, "test");
        trigger.evaluate(CORE_TRIPS, DAY); // the run's end, routed back
        Run second = store.runs().run(partition().activeRun().orElseThrow()).orElseThrow();
        assertEquals(List.of("ev-2", "ev-3"), second.consumed());

        // A late event while no run holds the partition: consumed with nothing else pending.
        store.runs().finishUnfenced(second.runId(), RunState.SUCCEEDED, "test");
        trigger.onAssetUpdated(CORE_TRIPS, recorded(taps("ev-4", 3)));
        assertEquals(List.of("ev-4"), store.runs().run(partition().activeRun().orElseThrow()).orElseThrow().consumed());
        assertEquals(3, announced.size());
    }

    @Test
    void anInputTheConditionDoesNotNameWaitsInThePendingSet() {
        AssetEvent passengers = recorded(new AssetEvent("ev-p", "raw.passengers", DAY, Instant.parse(DAY + "T06:00:00Z"),
                new Producer(Producer.Kind.S3_UPLOAD, "s3://lake/raw/passengers/1"), "v-p", Optional.empty(), List.of(), Map.of()));
        trigger.onAssetUpdated(CORE_TRIPS, passengers);
        assertEquals(List.of("ev-p"), partition().pending().stream().map(p -> p.eventId()).toList());
        assertEquals(Optional.empty(), partition().activeRun());

        // The next event that makes the partition ready consumes both in the one write.
        trigger.onAssetUpdated(CORE_TRIPS, recorded(taps("ev-1", 0)));
        Run run = store.runs().run(partition().activeRun().orElseThrow()).orElseThrow();
        assertTrue(run.consumed().containsAll(List.of("ev-p", "ev-1")) && run.consumed().size() == 2, run.consumed().toString());
        assertEquals(List.of(), partition().pending());
    }
}
