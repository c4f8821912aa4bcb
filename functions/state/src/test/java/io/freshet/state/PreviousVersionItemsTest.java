package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.MutableClock;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A deploy over a table the previous version wrote: its run items carry GSI1's keys from their
 * creation and the consumed events' pending keys (this version writes GSI1's keys when a run ends,
 * and the pending keys only when the consumption follows the creation). Read, listed, ended and
 * cleaned up, they behave as this version's own.
 */
class PreviousVersionItemsTest {

    private static final String P = "core_trips";
    private static final String DAY = "2026-05-26";
    private static LocalDynamo dynamo;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    @Test
    void aRunItemOfThePreviousShapeIsListedOnceEndsAndCleansUp() {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-26T06:00:00Z"));
        DynamoStateStore.createTable(dynamo.client(), "state-previous");
        StateStore store = new DynamoStateStore(dynamo.client(), "state-previous", clock);
        PendingEvent e = StoreContract.pending(StoreContract.upload("ev-1", "landing.taps", DAY, clock.instant()));
        store.consumers().addPending(P, DAY, e);
        ConsumerView seen = store.consumers().view(P, DAY);
        Run created = store.runs().tryCreate(seen, "run-1", seen.pending(), "test").orElseThrow();
        asThePreviousVersionWroteIt(created, e);

        assertEquals(List.of("run-1"), store.runs().of(P).stream().map(Run::runId).toList(), "on GSI1 and on GSI2's ACTIVE: listed once");
        assertEquals(List.of("run-1"), store.runs().active().stream().map(Run::runId).toList());
        store.consumers().cleanupConsumed("run-1"); // the previous version's keys: puts the markers again, deletes nothing there
        assertEquals(Optional.of("run-1"), store.consumers().consumedBy(P, DAY, "ev-1"));
        assertTrue(store.consumers().view(P, DAY).lastRunCleaned());

        store.runs().finishUnfenced("run-1", RunState.SUCCEEDED, "done");
        List<Run> listed = store.runs().of(P);
        assertEquals(List.of("run-1"), listed.stream().map(Run::runId).toList());
        assertEquals(RunState.SUCCEEDED, listed.get(0).state());
        assertFalse(store.consumers().addPending(P, DAY, e), "consumed already");
    }

    /**
     * The previous version's trigger added an event to the pending set without a waiting marker;
     * if that happened after this version's trigger read the partition free, the run it created on
     * the event's delivery consumed the event, which still waited. The next evaluation must not
     * consume it again: it finds the other run's marker, drops the pending item and reads again.
     */
    @Test
    void anEventThePreviousVersionLeftPendingAfterARunConsumedItIsNotConsumedTwice() {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-26T06:00:00Z"));
        DynamoStateStore.createTable(dynamo.client(), "state-previous-pending");
        StateStore store = new DynamoStateStore(dynamo.client(), "state-previous-pending", clock);
        AssetEvent upload = StoreContract.upload("ev-1", "landing.taps", DAY, clock.instant());
        store.events().record(upload);
        PendingEvent e = StoreContract.pending(upload);

        ConsumerView free = store.consumers().view(P, DAY); // this version's trigger reads the partition free
        store.consumers().addPending(P, DAY, e); // the previous version's trigger adds the event ...
        dynamo.client().deleteItem(b -> b.tableName("state-previous-pending") // ... without a waiting marker
                .key(Map.of("PK", s("C#" + P + "#" + DAY), "SK", s("ev-1"))));
        Runs.Delivered created = store.runs().createOnDelivery(free, "run-1", List.of(e), "test", upload);
        assertTrue(created instanceof Runs.Delivered.Created, created.toString());
        store.runs().finishUnfenced("run-1", RunState.SUCCEEDED, "done");

        ConsumerView next = store.consumers().view(P, DAY);
        assertEquals(List.of("ev-1"), next.pending().stream().map(PendingEvent::eventId).toList(), "consumed, and still pending");
        assertEquals(Optional.empty(), store.runs().tryCreate(next, "run-2", next.pending(), "test"), "not consumed again");
        assertEquals(List.of(), store.consumers().view(P, DAY).pending(), "the pending item is gone");
        assertEquals(Optional.of("run-1"), store.consumers().consumedBy(P, DAY, "ev-1"));
        assertEquals(Optional.empty(), store.runs().run("run-2"));
    }

    /** What the previous version put on a run item at its creation and this one no longer does. */
    private static void asThePreviousVersionWroteIt(Run run, PendingEvent e) {
        String since = "2026-05-26T06:00:00.000000Z#" + run.runId();
        dynamo.client().updateItem(b -> b.tableName("state-previous")
                .key(Map.of("PK", s("R#" + run.runId()), "SK", s("RUN")))
                .updateExpression("SET GSI1PK = :p, GSI1SK = :s, pendingKeys = :k")
                .expressionAttributeValues(Map.of(":p", s("RUNS#" + P), ":s", s(since),
                        ":k", AttributeValue.builder().l(s("E#2026-05-26T06:00:00.000000Z#" + e.eventId())).build())));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }
}
