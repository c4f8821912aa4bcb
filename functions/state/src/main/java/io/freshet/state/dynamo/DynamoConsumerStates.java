package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.PK;
import static io.freshet.state.dynamo.StoreKeys.SK;
import static io.freshet.state.dynamo.StoreKeys.TTL;
import static io.freshet.state.dynamo.Table.sortable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.trigger.PendingEvent;
import io.freshet.state.ConsumerStates;
import io.freshet.state.ConsumerView;
import io.freshet.state.StoreException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A consumer partition's items: its state {@code P#{pipeline}#{partition}/STATE}, its pending
 * events {@code P#.../E#{time}#{eventId}} and the markers {@code C#.../{eventId}}, which expire
 * after {@link #CONSUMED_MARKER_TTL}. A marker says an event (or request) was consumed, by which
 * run; or, with {@value #WAITING} set, that it joined the pending set and no run consumed it yet.
 * Adding to the pending set writes that waiting marker where it only checked for a consumed one
 * (the same units in its transaction), so that a run created on the event's delivery, which puts
 * the marker only if absent, sees an event that joined the pending set after it read the partition.
 */
final class DynamoConsumerStates implements ConsumerStates {

    /** How long a consumed marker rejects redeliveries of an event; EventBridge retries for at most 24 hours. */
    static final Duration CONSUMED_MARKER_TTL = Duration.ofDays(30);

    /** A transaction holds 100 items: the waiting marker, the pending put, and these. */
    private static final int MAX_UNCONSUMED_CHECKS = 98;

    /** How often an addition is tried again when its transaction collided with another write of one of its items. */
    private static final int CONFLICT_ATTEMPTS = 4;

    /** Set on the marker of an event that waits in the pending set; a marker without it (of any version) means consumed. */
    static final String WAITING = "waiting";

    /** The condition a marker may be written (or checked) under when the event must not be consumed yet. */
    private static final String NOT_CONSUMED = "attribute_not_exists(PK) OR #w = :t";
    private static final Map<String, String> NOT_CONSUMED_NAMES = Map.of("#w", WAITING);
    private static final Map<String, AttributeValue> NOT_CONSUMED_VALUES = Map.of(":t", Items.bool(true));

    private final Table t;

    DynamoConsumerStates(Table t) {
        this.t = t;
    }

    @Override
    public boolean addPending(String pipeline, String partition, PendingEvent e, List<String> unconsumed) {
        if (unconsumed.size() > MAX_UNCONSUMED_CHECKS) {
            throw new IllegalArgumentException("a transaction checks at most 98 other events, got " + unconsumed.size());
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(waitingMarker(pipeline, partition, e.eventId()));
        writes.add(t.put(pendingItem(pipeline, partition, e), "attribute_not_exists(PK)"));
        unconsumed.forEach(id -> writes.add(notConsumed(pipeline, partition, id)));
        for (int attempt = 1; ; attempt++) {
            try {
                t.db().transactWriteItems(b -> b.transactItems(writes));
                return true;
            } catch (TransactionCanceledException ex) {
                for (int i = 0; i < ex.cancellationReasons().size(); i++) {
                    if (i != 1 && Table.conditionFailed(ex, i)) {
                        return false; // consumed already
                    }
                }
                if (Table.conditionFailed(ex, 1)) {
                    return true; // pending already: a duplicate delivery, nothing to add
                }
                if (!Table.conflicted(ex) || attempt == CONFLICT_ATTEMPTS) {
                    throw new StoreException("adding event " + e.eventId() + " to " + pipeline + "/" + partition + " failed: " + ex.getMessage(), ex);
                }
                Table.backOff(attempt); // a run consuming, or a redelivery adding, the same event at this moment
            }
        }
    }

    private static Map<String, AttributeValue> pendingItem(String pipeline, String partition, PendingEvent e) {
        return Items.of(PK, StoreKeys.consumer(pipeline, partition), SK, StoreKeys.pending(sortable(e.time()), e.eventId()))
                .s("eventId", e.eventId()).s("asset", e.asset()).s("eventPartition", e.partition()).s("time", sortable(e.time())).build();
    }

    /** The check that no run consumed {@code eventId} (waiting, or never seen). */
    private TransactWriteItem notConsumed(String pipeline, String partition, String eventId) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(t.name())
                .key(Items.key(StoreKeys.consumed(pipeline, partition), eventId))
                .conditionExpression(NOT_CONSUMED).expressionAttributeNames(NOT_CONSUMED_NAMES)
                .expressionAttributeValues(NOT_CONSUMED_VALUES).build()).build();
    }

    /** The marker of an event joining the pending set, written unless a run consumed the event. */
    private TransactWriteItem waitingMarker(String pipeline, String partition, String eventId) {
        long ttl = t.clock().instant().plus(CONSUMED_MARKER_TTL).getEpochSecond();
        return putUnlessConsumed(Items.of(PK, StoreKeys.consumed(pipeline, partition), SK, eventId).bool(WAITING, true).n(TTL, ttl).build());
    }

    /**
     * The marker of a pending event a run consumes, written unless another run consumed the event:
     * a pending item and a consumed marker together are what a trigger of the previous version
     * could leave (its pending set wrote no waiting marker, so a run created on the event's
     * delivery meanwhile consumed it), and an unconditional put would consume the event twice.
     */
    TransactWriteItem consumingMarker(String pipeline, String partition, String eventId, String runId) {
        return putUnlessConsumed(consumedMarker(t, pipeline, partition, eventId, runId));
    }

    /** A marker's put, in a transaction, where no run's marker is (none, or a waiting one). */
    private TransactWriteItem putUnlessConsumed(Map<String, AttributeValue> marker) {
        return TransactWriteItem.builder().put(Put.builder().tableName(t.name()).item(marker)
                .conditionExpression(NOT_CONSUMED).expressionAttributeNames(NOT_CONSUMED_NAMES)
                .expressionAttributeValues(NOT_CONSUMED_VALUES).build()).build();
    }

    /** Deletes the pending items of events another run consumed (see {@link #consumingMarker}): they wait for nothing. */
    void dropConsumedPending(String pipeline, String partition, List<PendingEvent> consumedElsewhere) {
        for (PendingEvent e : consumedElsewhere) {
            t.db().deleteItem(b -> b.tableName(t.name())
                    .key(Items.key(StoreKeys.consumer(pipeline, partition), StoreKeys.pending(sortable(e.time()), e.eventId()))));
        }
    }

    /** Whether a marker (as a cancelled transaction returned it) is a waiting event's, not a consumed one's. */
    static boolean waiting(Map<String, AttributeValue> marker) {
        return marker != null && marker.containsKey(WAITING) && Boolean.TRUE.equals(marker.get(WAITING).bool());
    }

    @Override
    public Optional<String> consumedBy(String pipeline, String partition, String eventId) {
        return t.get(StoreKeys.consumed(pipeline, partition), eventId).filter(item -> !waiting(item)).map(item -> item.get("runId").s());
    }

    @Override
    public boolean isPending(String pipeline, String partition, PendingEvent e) {
        return t.get(StoreKeys.consumer(pipeline, partition), StoreKeys.pending(sortable(e.time()), e.eventId())).isPresent();
    }

    @Override
    public ConsumerView view(String pipeline, String partition) {
        long version = 0;
        Optional<String> active = Optional.empty();
        Optional<String> last = Optional.empty();
        boolean cleaned = true;
        List<PendingEvent> pending = new ArrayList<>();
        for (Map<String, AttributeValue> item : t.query(StoreKeys.consumer(pipeline, partition), null)) {
            String sk = item.get(SK).s();
            if (sk.equals("STATE")) {
                version = Long.parseLong(item.get("version").n());
                active = Optional.ofNullable(item.get("activeRun")).map(AttributeValue::s);
                last = Optional.ofNullable(item.get("lastRun")).map(AttributeValue::s);
                cleaned = !item.containsKey("cleaned") || item.get("cleaned").bool();
            } else {
                pending.add(new PendingEvent(item.get("eventId").s(), item.get("asset").s(), item.get("eventPartition").s(),
                        Instant.parse(item.get("time").s())));
            }
        }
        return new ConsumerView(pipeline, partition, version, active, last, cleaned, pending);
    }

    /** The marker that makes redeliveries of a consumed event bounce, for {@link #CONSUMED_MARKER_TTL}. */
    static Map<String, AttributeValue> consumedMarker(Table t, String pipeline, String partition, String eventId, String runId) {
        long ttl = t.clock().instant().plus(CONSUMED_MARKER_TTL).getEpochSecond();
        return Items.of(PK, StoreKeys.consumed(pipeline, partition), SK, eventId).s("runId", runId).n(TTL, ttl).build();
    }

    @Override
    public void cleanupConsumed(String runId) {
        Map<String, AttributeValue> run = t.get(StoreKeys.run(runId), "RUN").orElseThrow(() -> new StoreException("no run " + runId, null));
        if (!run.containsKey("pendingKeys")) {
            return; // its creation consumed its events in the same transaction (a run item of the previous version has the keys either way)
        }
        String pipeline = run.get("pipeline").s();
        String partition = run.get("partition").s();
        List<AttributeValue> ids = run.get("consumed").l();
        List<AttributeValue> keys = run.get("pendingKeys").l();
        for (int i = 0; i < ids.size(); i++) {
            String eventId = ids.get(i).s();
            t.db().putItem(b -> b.tableName(t.name()).item(consumedMarker(t, pipeline, partition, eventId, runId)));
            String pendingKey = keys.get(i).s();
            t.db().deleteItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.consumer(pipeline, partition), pendingKey)));
        }
        try {
            t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.consumer(pipeline, partition), "STATE"))
                    .updateExpression("SET cleaned = :t").conditionExpression("lastRun = :r")
                    .expressionAttributeValues(Map.of(":t", Items.bool(true), ":r", Items.s(runId))));
        } catch (ConditionalCheckFailedException newerRunAlready) {
            // a later run took over the state; its own cleanup flag is its own
        }
    }
}
