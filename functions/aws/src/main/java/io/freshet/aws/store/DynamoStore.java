package io.freshet.aws.store;

import static io.freshet.aws.store.StoreKeys.GSI1;
import static io.freshet.aws.store.StoreKeys.GSI1PK;
import static io.freshet.aws.store.StoreKeys.GSI1SK;
import static io.freshet.aws.store.StoreKeys.GSI2;
import static io.freshet.aws.store.StoreKeys.GSI2PK;
import static io.freshet.aws.store.StoreKeys.GSI2SK;
import static io.freshet.aws.store.StoreKeys.PK;
import static io.freshet.aws.store.StoreKeys.SK;
import static io.freshet.aws.store.StoreKeys.TTL;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.S3Change;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Freshet's state in one DynamoDB table: asset events, asset state, consumer pending sets,
 * consumed markers, runs. Every write that must happen once is conditional, and every step that
 * must be atomic is one transaction; docs/architecture.md explains the protocol.
 */
public final class DynamoStore {

    /** How long a consumed marker rejects redeliveries of an event; EventBridge retries for at most 24 hours. */
    static final Duration CONSUMED_MARKER_TTL = Duration.ofDays(30);

    private static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public DynamoStore(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    /** Creates the table as template.yaml declares it; for local stacks and tests. */
    public static void createTable(DynamoDbClient db, String table) {
        db.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr(PK), attr(SK), attr(GSI1PK), attr(GSI1SK), attr(GSI2PK), attr(GSI2SK))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(GSI1)
                                .keySchema(key(GSI1PK, KeyType.HASH), key(GSI1SK, KeyType.RANGE))
                                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build(),
                        GlobalSecondaryIndex.builder().indexName(GSI2)
                                .keySchema(key(GSI2PK, KeyType.HASH), key(GSI2SK, KeyType.RANGE))
                                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
        db.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    static String sortable(Instant t) {
        return SORTABLE.format(t);
    }

    // ------------------------------------------------------------------ asset events

    /** Whether an event was new, or a redelivery of one already recorded (and whether that one was announced). */
    public record Recorded(boolean isNew, boolean announced) {
    }

    /**
     * Records an asset event once: the event item and its place in the asset's history (one
     * transaction), then the follow-ups, the partition's state and the asset's newest event
     * ({@link #applyEventState}). A second call with the same event id records nothing, but
     * re-applies the follow-ups from the recorded event: a process that died right after the
     * transaction left them undone, and its retry lands here.
     */
    public Recorded recordEvent(AssetEvent e, String eventJson) {
        String time = sortable(e.time());
        Map<String, AttributeValue> eventItem = Items.of(PK, StoreKeys.event(e.eventId()), SK, "EV")
                .s("asset", e.asset()).s("partition", e.partition()).s("time", time)
                .s("json", eventJson).bool("announced", false).build();
        Map<String, AttributeValue> history = Items.of(PK, StoreKeys.asset(e.asset()), SK, StoreKeys.history(e.partition(), time, e.eventId()))
                .s("eventId", e.eventId()).s("json", eventJson).build();
        try {
            db.transactWriteItems(b -> b.transactItems(
                    put(eventItem, "attribute_not_exists(PK)"),
                    put(history, null)));
        } catch (TransactionCanceledException ex) {
            if (reason(ex, 0).equals("ConditionalCheckFailed")) {
                StoredEvent existing = storedEvent(e.eventId())
                        .orElseThrow(() -> new StoreException("event " + e.eventId() + " of " + e.asset() + " was recorded and is gone", ex));
                applyEventState(existing.json()); // the follow-ups of the recorded event, not of this delivery's copy
                return new Recorded(false, existing.announced());
            }
            throw new StoreException("recording event " + e.eventId() + " of " + e.asset() + " failed: " + ex.getMessage(), ex);
        }
        applyEventState(eventJson);
        return new Recorded(true, false);
    }

    /**
     * The follow-ups of a recorded event: the partition's state ({@code S#}) and the asset's
     * newest event ({@code NEWEST}) move to it, if it is newer. Conditional "moves forward only"
     * puts, so applying them again, or late, changes nothing: whoever finds an event recorded
     * re-applies them.
     */
    public void applyEventState(String eventJson) {
        AssetEvent e = io.freshet.aws.json.EventJson.assetEvent(io.freshet.aws.json.EventJson.read(eventJson));
        String time = sortable(e.time());
        // The latest state moves forward only: a late, older event stays in the history only.
        try {
            db.putItem(b -> b.tableName(table)
                    .item(Items.of(PK, StoreKeys.asset(e.asset()), SK, StoreKeys.assetState(e.partition()))
                            .s("eventId", e.eventId()).s("time", time).s("dataVersion", e.dataVersion()).s("json", eventJson)
                            .s("order", stateOrder(e)).build())
                    .conditionExpression(NEWER_THAN_STORED)
                    .expressionAttributeNames(Map.of("#t", "time", "#o", "order"))
                    .expressionAttributeValues(Map.of(":t", Items.s(time), ":o", Items.s(stateOrder(e)))));
        } catch (ConditionalCheckFailedException newerAlreadyThere) {
            // nothing to do
        }
        try { // the asset's newest event over all partitions: what a source's freshness looks at
            db.putItem(b -> b.tableName(table)
                    .item(Items.of(PK, StoreKeys.asset(e.asset()), SK, "NEWEST")
                            .s("eventId", e.eventId()).s("time", time).s("partition", e.partition()).s("json", eventJson)
                            .s("order", stateOrder(e)).build())
                    .conditionExpression(NEWER_THAN_STORED)
                    .expressionAttributeNames(Map.of("#t", "time", "#o", "order"))
                    .expressionAttributeValues(Map.of(":t", Items.s(time), ":o", Items.s(stateOrder(e)))));
        } catch (ConditionalCheckFailedException newerAlreadyThere) {
            // nothing to do
        }
    }

    /** A recorded event: its JSON and whether it was announced. */
    public record StoredEvent(String json, boolean announced) {
    }

    public Optional<StoredEvent> storedEvent(String eventId) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(StoreKeys.event(eventId), "EV"))).item();
        return item.isEmpty() ? Optional.empty()
                : Optional.of(new StoredEvent(item.get("json").s(), item.containsKey("announced") && item.get("announced").bool()));
    }

    /**
     * When the partition state and NEWEST move to an event: a later time, or the same whole
     * second (EventBridge's resolution) and a later {@link #stateOrder}, so that of two uploads of
     * one key in one second the one S3 sequenced last wins whatever order they arrive in. Items
     * written before {@code order} existed lose ties.
     */
    private static final String NEWER_THAN_STORED =
            "attribute_not_exists(PK) OR #t < :t OR (#t = :t AND (attribute_not_exists(#o) OR #o < :o))";

    /** The event's time, then its S3 sequencer (padded to sort as S3 orders them; empty for run outputs). */
    static String stateOrder(AssetEvent e) {
        String sequencer = e.metadata().get(S3Change.SEQUENCER);
        return sortable(e.time()) + "#" + (sequencer == null ? "" : S3Change.sortableSequencer(sequencer));
    }

    /**
     * Records an S3 change in its partition's history only: it becomes part of what the partition
     * holds (see {@link io.freshet.core.events.PartitionContent}) without being announced or
     * moving the partition's state, as the data files of a source that completes with a marker
     * ({@code complete_when}) until the marker arrives. Idempotent: the item's key is the event's.
     */
    public void recordInHistory(AssetEvent e, String eventJson) {
        String time = sortable(e.time());
        db.putItem(b -> b.tableName(table).item(Items.of(PK, StoreKeys.asset(e.asset()), SK, StoreKeys.history(e.partition(), time, e.eventId()))
                .s("eventId", e.eventId()).s("json", eventJson).build()));
    }

    public void markEventAnnounced(String eventId) {
        db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.event(eventId), "EV"))
                .updateExpression("SET announced = :t").expressionAttributeValues(Map.of(":t", Items.bool(true))));
    }

    /** The event's JSON as recorded. */
    public Optional<String> eventJson(String eventId) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(StoreKeys.event(eventId), "EV"))).item();
        return item.isEmpty() ? Optional.empty() : Optional.of(item.get("json").s());
    }

    /** The events of an asset's partition, oldest first, as JSON. */
    public List<String> history(String asset, String partition) {
        List<String> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(StoreKeys.asset(asset), StoreKeys.historyPrefix(partition), true)) {
            out.add(item.get("json").s());
        }
        return out;
    }

    /** An asset's events over all its partitions, newest first, at most {@code limit}, as JSON. */
    public List<String> recentEvents(String asset, int limit) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(query(StoreKeys.asset(asset), "E#", true));
        List<String> jsons = new ArrayList<>(items.stream().map(i -> i.get("json").s()).toList());
        jsons.sort(java.util.Comparator.comparing(DynamoStore::eventTime).reversed());
        return List.copyOf(jsons.subList(0, Math.min(limit, jsons.size())));
    }

    /** The newest event of an asset's partition, as JSON. */
    public Optional<String> latest(String asset, String partition) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(StoreKeys.asset(asset), StoreKeys.assetState(partition)))).item();
        return item.isEmpty() ? Optional.empty() : Optional.of(item.get("json").s());
    }

    /** The time of a recorded event, from its JSON. */
    public static Instant eventTime(String eventJson) {
        return Instant.parse(io.freshet.aws.json.EventJson.read(eventJson).path("time").asText());
    }

    public boolean hasData(String asset, String partition) {
        return latest(asset, partition).isPresent();
    }

    // ------------------------------------------------------------------ consumers

    /**
     * Adds an input event to a consumer partition's pending set. Returns false when the event was
     * already consumed by a run of this consumer (a redelivery): the check and the put are one
     * transaction, so a run consuming the event in between cannot be missed.
     */
    public boolean addPending(String pipeline, String partition, PendingEvent e) {
        return addPending(pipeline, partition, e, List.of());
    }

    /**
     * Adds {@code e} to the pending set, in one transaction with the check that neither it nor any
     * of {@code unconsumed} was consumed by a run of this consumer partition. A backfill uses it to
     * request a downstream run only while the upstream's new event still waits: had a run consumed
     * that event already, the backfill adopts that run instead of asking for another.
     */
    public boolean addPending(String pipeline, String partition, PendingEvent e, List<String> unconsumed) {
        if (unconsumed.size() > 98) {
            throw new IllegalArgumentException("a transaction checks at most 98 other events, got " + unconsumed.size());
        }
        Map<String, AttributeValue> item = Items.of(PK, StoreKeys.consumer(pipeline, partition), SK, StoreKeys.pending(sortable(e.time()), e.eventId()))
                .s("eventId", e.eventId()).s("asset", e.asset()).s("eventPartition", e.partition()).s("time", sortable(e.time())).build();
        try {
            List<TransactWriteItem> writes = new ArrayList<>();
            writes.add(notConsumed(pipeline, partition, e.eventId()));
            writes.add(put(item, "attribute_not_exists(PK)"));
            unconsumed.forEach(id -> writes.add(notConsumed(pipeline, partition, id)));
            db.transactWriteItems(b -> b.transactItems(writes));
            return true;
        } catch (TransactionCanceledException ex) {
            for (int i = 0; i < ex.cancellationReasons().size(); i++) {
                if (i != 1 && reason(ex, i).equals("ConditionalCheckFailed")) {
                    return false; // consumed already
                }
            }
            if (reason(ex, 1).equals("ConditionalCheckFailed")) {
                return true; // pending already: a duplicate delivery, nothing to add
            }
            throw new StoreException("adding event " + e.eventId() + " to " + pipeline + "/" + partition + " failed: " + ex.getMessage(), ex);
        }
    }

    private TransactWriteItem notConsumed(String pipeline, String partition, String eventId) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(Items.key(StoreKeys.consumed(pipeline, partition), eventId))
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /** The run of this consumer partition that consumed an event or request, if one did. */
    public Optional<String> consumedBy(String pipeline, String partition, String eventId) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(StoreKeys.consumed(pipeline, partition), eventId))).item();
        return item.isEmpty() ? Optional.empty() : Optional.of(item.get("runId").s());
    }

    /** Whether an event or request waits in this consumer partition's pending set. */
    public boolean isPending(String pipeline, String partition, PendingEvent e) {
        return !db.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(StoreKeys.consumer(pipeline, partition), StoreKeys.pending(sortable(e.time()), e.eventId())))).item().isEmpty();
    }

    /** A consistent read of one consumer partition: its state and its pending events. */
    public record ConsumerView(String pipeline, String partition, long version, Optional<String> activeRun,
                               Optional<String> lastRun, boolean lastRunCleaned, List<PendingEvent> pending) {
    }

    public ConsumerView consumer(String pipeline, String partition) {
        long version = 0;
        Optional<String> active = Optional.empty();
        Optional<String> last = Optional.empty();
        boolean cleaned = true;
        List<PendingEvent> pending = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(StoreKeys.consumer(pipeline, partition), null, true)) {
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

    /**
     * Creates a run consuming {@code consumed}, if nobody changed the consumer partition since
     * {@code seen} was read: the run item and the state's move to "run active" are one
     * transaction conditioned on the state's version. Empty when another evaluation won.
     */
    public Optional<Run> tryCreateRun(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason) {
        Instant now = clock.instant();
        List<AttributeValue> ids = consumed.stream().map(p -> Items.s(p.eventId())).toList();
        List<AttributeValue> keys = consumed.stream().map(p -> Items.s(StoreKeys.pending(sortable(p.time()), p.eventId()))).toList();
        Map<String, AttributeValue> runItem = new HashMap<>(Items.of(PK, StoreKeys.run(runId), SK, "RUN")
                .s(GSI1PK, StoreKeys.runsOf(seen.pipeline())).s(GSI1SK, sortable(now) + "#" + runId)
                .s("runId", runId).s("pipeline", seen.pipeline()).s("partition", seen.partition())
                .s("state", RunState.QUEUED.name()).s("reason", reason)
                .list("consumed", ids).list("pendingKeys", keys)
                .s("createdAt", sortable(now)).s("updatedAt", sortable(now)).bool("announced", false)
                .s(GSI2PK, StoreKeys.ACTIVE).s(GSI2SK, sortable(now) + "#" + runId).build());
        Optional<Instant> oldestInput = consumed.stream().filter(p -> !io.freshet.core.trigger.Request.isRequest(p))
                .map(PendingEvent::time).min(Instant::compareTo);
        oldestInput.ifPresent(t -> runItem.put("oldestInput", Items.s(sortable(t))));
        Update state = Update.builder().tableName(table)
                .key(Items.key(StoreKeys.consumer(seen.pipeline(), seen.partition()), "STATE"))
                .updateExpression("SET activeRun = :r, lastRun = :r, cleaned = :f, version = :next")
                .conditionExpression(seen.version() == 0 ? "attribute_not_exists(PK)" : "version = :v")
                .expressionAttributeValues(seen.version() == 0
                        ? Map.of(":r", Items.s(runId), ":f", Items.bool(false), ":next", Items.n(1))
                        : Map.of(":r", Items.s(runId), ":f", Items.bool(false), ":next", Items.n(seen.version() + 1), ":v", Items.n(seen.version())))
                .build();
        try {
            db.transactWriteItems(b -> b.transactItems(put(runItem, "attribute_not_exists(PK)"),
                    TransactWriteItem.builder().update(state).build()));
        } catch (TransactionCanceledException lostTheRace) {
            if (lostTheRace.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                return Optional.empty();
            }
            throw new StoreException("creating run " + runId + " of " + seen.pipeline() + "/" + seen.partition() + " failed: " + lostTheRace.getMessage(), lostTheRace);
        }
        return Optional.of(new Run(runId, seen.pipeline(), seen.partition(), RunState.QUEUED, reason,
                consumed.stream().map(PendingEvent::eventId).toList(), now, now, false, 0, Optional.empty(), Optional.empty(),
                oldestInput, Optional.empty()));
    }

    /**
     * Moves a run's consumed events out of the pending set: first a consumed marker (which makes
     * redeliveries bounce), then the pending item goes. Idempotent; anyone may finish it.
     */
    public void cleanupConsumed(String runId) {
        Map<String, AttributeValue> run = runItem(runId).orElseThrow(() -> new StoreException("no run " + runId, null));
        String pipeline = run.get("pipeline").s();
        String partition = run.get("partition").s();
        long ttl = clock.instant().plus(CONSUMED_MARKER_TTL).getEpochSecond();
        List<AttributeValue> ids = run.get("consumed").l();
        List<AttributeValue> keys = run.get("pendingKeys").l();
        for (int i = 0; i < ids.size(); i++) {
            String eventId = ids.get(i).s();
            db.putItem(b -> b.tableName(table).item(Items.of(PK, StoreKeys.consumed(pipeline, partition), SK, eventId)
                    .s("runId", runId).n(TTL, ttl).build()));
            String pendingKey = keys.get(i).s();
            db.deleteItem(b -> b.tableName(table).key(Items.key(StoreKeys.consumer(pipeline, partition), pendingKey)));
        }
        try {
            db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.consumer(pipeline, partition), "STATE"))
                    .updateExpression("SET cleaned = :t").conditionExpression("lastRun = :r")
                    .expressionAttributeValues(Map.of(":t", Items.bool(true), ":r", Items.s(runId))));
        } catch (ConditionalCheckFailedException newerRunAlready) {
            // a later run took over the state; its own cleanup flag is its own
        }
    }

    /** {@code Run Requested} went out for the run's current attempt. */
    public void markRunAnnounced(String runId) {
        db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.run(runId), "RUN"))
                .updateExpression("SET announced = :t, announcedAt = :now, updatedAt = :now")
                .expressionAttributeValues(Map.of(":t", Items.bool(true), ":now", Items.s(sortable(clock.instant())))));
    }

    /** The run's end ({@code Run Succeeded/Failed/Skipped}) went out: it leaves the sweeper's index. */
    public void markRunEndAnnounced(String runId) {
        db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.run(runId), "RUN"))
                .updateExpression("REMOVE " + GSI2PK + ", " + GSI2SK));
    }

    /**
     * After a failed attempt with retries left: the run goes back to QUEUED, to start again at
     * {@code retryAt} under the same id, and the consumer partition stays held, so events keep
     * waiting for it. Only the attempt that holds the run may do this.
     */
    public boolean retryLater(String runId, int attempt, Instant retryAt, String error) {
        try {
            db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.run(runId), "RUN"))
                    .updateExpression("SET #s = :queued, retryAt = :at, lastError = :err, announced = :f, updatedAt = :now REMOVE leaseUntil")
                    .conditionExpression("#s = :running AND attempt = :attempt")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":queued", Items.s(RunState.QUEUED.name()), ":running", Items.s(RunState.RUNNING.name()),
                            ":at", Items.s(sortable(retryAt)), ":err", Items.s(error), ":f", Items.bool(false),
                            ":now", Items.s(sortable(clock.instant())), ":attempt", Items.n(attempt))));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            return false;
        }
    }

    /** Runs not yet ended, oldest first (the sweeper's view). */
    public List<Run> activeRuns() {
        return Queries.all(db, table, GSI2, GSI2PK, GSI2SK, StoreKeys.ACTIVE, null, false).stream().map(DynamoStore::toRun).toList();
    }

    /** Ended runs whose end was not announced yet (the announcing process died), oldest first. */
    public List<Run> unannouncedEnds() {
        return Queries.all(db, table, GSI2, GSI2PK, GSI2SK, StoreKeys.ANNOUNCE, null, false).stream().map(DynamoStore::toRun).toList();
    }

    /**
     * Ends a run: its state is set and the consumer partition is free for the next run. Only an
     * active run can end, once. Unfenced: for operators' tools and tests; an attempt ends its run
     * with {@link #finishRun(String, int, RunState, String)}.
     */
    public void finishRun(String runId, RunState outcome, String reason) {
        if (!endRun(runId, outcome, reason, "#s IN (:q, :r)", Map.of(":q", Items.s(RunState.QUEUED.name())))) {
            throw new StoreException("run " + runId + " is not active; it cannot finish as " + outcome, null);
        }
    }

    /**
     * Moves a run to RUNNING for one attempt: from QUEUED, or from RUNNING whose lease expired (an
     * attempt that crashed or was killed). A redelivered request while an attempt holds the lease
     * gets empty and does nothing. Returns the attempt number.
     */
    public Optional<Integer> startAttempt(String runId, Instant leaseUntil) {
        Instant now = clock.instant();
        try {
            var r = db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.run(runId), "RUN"))
                    .updateExpression("SET #s = :running, leaseUntil = :lease, updatedAt = :now ADD attempt :one")
                    .conditionExpression("(#s = :queued AND (attribute_not_exists(retryAt) OR retryAt <= :now)) OR (#s = :running AND leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":running", Items.s(RunState.RUNNING.name()), ":queued", Items.s(RunState.QUEUED.name()),
                            ":lease", Items.s(sortable(leaseUntil)), ":now", Items.s(sortable(now)), ":one", Items.n(1)))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.UPDATED_NEW));
            return Optional.of(Integer.parseInt(r.attributes().get("attempt").n()));
        } catch (ConditionalCheckFailedException alreadyRunningOrDone) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ a run's publication, fenced on the attempt

    /** DynamoDB's limit of items in one transaction. */
    static final int MAX_TRANSACTION_ITEMS = 100;

    /**
     * Records all of a run's output events in ONE transaction with the fence: the run must be
     * RUNNING under this {@code attempt} with its lease not yet run out, and have no outputs
     * recorded. The run item then lists the events ({@code outputEvents}) and what the run read
     * (input versions, code version), so a run's outputs are either all recorded or none, and
     * whoever finds them recorded can finish the publication. Each event's follow-ups
     * ({@link #applyEventState}) are applied after it.
     *
     * @return false when the attempt no longer holds the run (its lease ran out, another attempt
     *         took over, the run ended): nothing was written
     */
    public boolean recordRunOutputs(String runId, int attempt, List<AssetEvent> events, List<String> jsons,
                                    Map<String, String> inputVersions, String codeVersion) {
        if (events.size() != jsons.size()) {
            throw new IllegalArgumentException("one JSON per event: " + events.size() + " events, " + jsons.size() + " JSONs");
        }
        if (2 * events.size() + 1 > MAX_TRANSACTION_ITEMS) {
            throw new IllegalArgumentException("run " + runId + " has " + events.size() + " outputs; one transaction records at most "
                    + (MAX_TRANSACTION_ITEMS - 1) / 2);
        }
        String now = sortable(clock.instant());
        List<TransactWriteItem> writes = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            AssetEvent e = events.get(i);
            String time = sortable(e.time());
            writes.add(put(Items.of(PK, StoreKeys.event(e.eventId()), SK, "EV")
                    .s("asset", e.asset()).s("partition", e.partition()).s("time", time)
                    .s("json", jsons.get(i)).bool("announced", false).s("runId", runId).build(), "attribute_not_exists(PK)"));
            writes.add(put(Items.of(PK, StoreKeys.asset(e.asset()), SK, StoreKeys.history(e.partition(), time, e.eventId()))
                    .s("eventId", e.eventId()).s("json", jsons.get(i)).build(), null));
        }
        Map<String, AttributeValue> versions = new HashMap<>();
        inputVersions.forEach((k, v) -> versions.put(k, Items.s(v)));
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(Items.key(StoreKeys.run(runId), "RUN"))
                .updateExpression("SET outputEvents = :ids, inputVersions = :v, codeVersion = :c, updatedAt = :now")
                .conditionExpression("#s = :running AND attempt = :a AND leaseUntil > :now AND attribute_not_exists(outputEvents)")
                .expressionAttributeNames(Map.of("#s", "state"))
                .expressionAttributeValues(Map.of(":ids", AttributeValue.builder().l(events.stream().map(e -> Items.s(e.eventId())).toList()).build(),
                        ":v", AttributeValue.builder().m(versions).build(), ":c", Items.s(codeVersion), ":now", Items.s(now),
                        ":running", Items.s(RunState.RUNNING.name()), ":a", Items.n(attempt)))
                .build()).build());
        try {
            db.transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException ex) {
            if (!reason(ex, writes.size() - 1).equals("ConditionalCheckFailed")) {
                throw new StoreException("recording the outputs of run " + runId + " (attempt " + attempt + ") failed: " + ex.getMessage(), ex);
            }
            // Recorded already by this very attempt (a call repeated after an unclear answer), or the attempt lost the run.
            Map<String, AttributeValue> run = runItem(runId).orElseThrow(() -> new StoreException("no run " + runId, ex));
            boolean ours = RunState.RUNNING.name().equals(run.get("state").s()) && run.containsKey("attempt")
                    && Integer.parseInt(run.get("attempt").n()) == attempt && run.containsKey("outputEvents");
            if (!ours) {
                return false;
            }
        }
        jsons.forEach(this::applyEventState);
        return true;
    }

    /** The ids of a run's output events, when they were recorded (all of them: see {@link #recordRunOutputs}). */
    public Optional<List<String>> recordedOutputs(String runId) {
        return runItem(runId).filter(i -> i.containsKey("outputEvents"))
                .map(i -> i.get("outputEvents").l().stream().map(AttributeValue::s).toList());
    }

    /**
     * Ends a run as {@link #finishRun(String, RunState, String)} does, but only while
     * {@code attempt} holds it (RUNNING, same attempt): a stale attempt cannot end a run another
     * attempt or the sweep now owns. False when it did not hold it; nothing was written.
     */
    public boolean finishRun(String runId, int attempt, RunState outcome, String reason) {
        return endRun(runId, outcome, reason, "#s = :r AND attempt = :a", Map.of(":a", Items.n(attempt)));
    }

    /**
     * The one way a run ends: its state set under {@code runCondition} (with {@code :r} bound to
     * RUNNING) and the consumer partition freed, in one transaction. False when the condition did
     * not hold; nothing was written.
     */
    private boolean endRun(String runId, RunState outcome, String reason, String runCondition, Map<String, AttributeValue> conditionValues) {
        if (outcome.isActive()) {
            throw new IllegalArgumentException("a run finishes as SUCCEEDED, FAILED or SKIPPED, not " + outcome);
        }
        Run run = run(runId).orElseThrow(() -> new StoreException("no run " + runId, null));
        Map<String, AttributeValue> values = new HashMap<>(conditionValues);
        values.putAll(Map.of(":s", Items.s(outcome.name()), ":now", Items.s(sortable(clock.instant())), ":why", Items.s(reason),
                ":r", Items.s(RunState.RUNNING.name()), ":announce", Items.s(StoreKeys.ANNOUNCE)));
        try {
            db.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(Update.builder().tableName(table).key(Items.key(StoreKeys.run(runId), "RUN"))
                            .updateExpression("SET #s = :s, updatedAt = :now, finishReason = :why, " + GSI2PK + " = :announce")
                            .conditionExpression(runCondition)
                            .expressionAttributeNames(Map.of("#s", "state"))
                            .expressionAttributeValues(values)
                            .build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(table)
                            .key(Items.key(StoreKeys.consumer(run.pipeline(), run.partition()), "STATE"))
                            .updateExpression("REMOVE activeRun SET version = version + :one")
                            .conditionExpression("activeRun = :r")
                            .expressionAttributeValues(Map.of(":r", Items.s(runId), ":one", Items.n(1))).build()).build()));
            return true;
        } catch (TransactionCanceledException ex) {
            if (reason(ex, 0).equals("ConditionalCheckFailed")) { // the run's condition; a consumer partition held by another run is a defect
                return false;
            }
            throw new StoreException("run " + runId + " could not finish as " + outcome + ": " + ex.getMessage(), ex);
        }
    }

    /** The input versions and code version of the newest SUCCEEDED run of a pipeline partition. */
    public Optional<Map<String, String>> lastSucceededInputs(String pipeline, String partition, String codeVersionKey) {
        // Every attempt asks this: read newest first and stop at the first match, not the pipeline's whole history.
        return firstRunItem(pipeline, i -> i.get("partition").s().equals(partition)
                && RunState.SUCCEEDED.name().equals(i.get("state").s()) && i.containsKey("inputVersions"))
                .map(i -> {
                    Map<String, String> out = new java.util.TreeMap<>();
                    i.get("inputVersions").m().forEach((k, v) -> out.put(k, v.s()));
                    out.put(codeVersionKey, i.get("codeVersion").s());
                    return out;
                });
    }

    /** The newest event of an asset across all its partitions, as JSON. */
    public Optional<String> newestEvent(String asset) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(StoreKeys.asset(asset), "NEWEST"))).item();
        return item.isEmpty() ? Optional.empty() : Optional.of(item.get("json").s());
    }

    /** The partitions of an asset that hold data, newest key first, at most {@code limit}. */
    public List<String> partitionsWithData(String asset, int limit) {
        List<String> keys = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(StoreKeys.asset(asset), "S#", true)) {
            keys.add(item.get(SK).s().substring(2));
        }
        keys.sort(java.util.Comparator.reverseOrder());
        return List.copyOf(keys.subList(0, Math.min(limit, keys.size())));
    }

    public Optional<Run> run(String runId) {
        return runItem(runId).map(DynamoStore::toRun);
    }

    /** A pipeline's runs, newest first. */
    public List<Run> runs(String pipeline) {
        return runItems(pipeline).stream().map(DynamoStore::toRun).toList();
    }

    private List<Map<String, AttributeValue>> runItems(String pipeline) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        firstRunItem(pipeline, i -> {
            out.add(i);
            return false;
        });
        return out;
    }

    /** A pipeline's run items newest first, page by page, until one matches. */
    private Optional<Map<String, AttributeValue>> firstRunItem(String pipeline, java.util.function.Predicate<Map<String, AttributeValue>> match) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = db.query(b -> b.tableName(table).indexName(GSI1)
                    .keyConditionExpression("GSI1PK = :p").expressionAttributeValues(Map.of(":p", Items.s(StoreKeys.runsOf(pipeline))))
                    .scanIndexForward(false).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) {
                if (match.test(item)) {
                    return Optional.of(item);
                }
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return Optional.empty();
    }

    private Optional<Map<String, AttributeValue>> runItem(String runId) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(StoreKeys.run(runId), "RUN"))).item();
        return item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private static Run toRun(Map<String, AttributeValue> i) {
        return new Run(i.get("runId").s(), i.get("pipeline").s(), i.get("partition").s(), RunState.valueOf(i.get("state").s()),
                i.get("reason").s(), i.get("consumed").l().stream().map(AttributeValue::s).toList(),
                Instant.parse(i.get("createdAt").s()), Instant.parse(i.get("updatedAt").s()), i.get("announced").bool(),
                i.containsKey("attempt") ? Integer.parseInt(i.get("attempt").n()) : 0,
                instant(i, "leaseUntil"), instant(i, "retryAt"), instant(i, "oldestInput"),
                Optional.ofNullable(i.get("finishReason")).map(AttributeValue::s));
    }

    private static Optional<Instant> instant(Map<String, AttributeValue> item, String attr) {
        return Optional.ofNullable(item.get(attr)).map(v -> Instant.parse(v.s()));
    }

    // ------------------------------------------------------------------ plumbing

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        Put.Builder p = Put.builder().tableName(table).item(item);
        if (condition != null) {
            p.conditionExpression(condition);
        }
        return TransactWriteItem.builder().put(p.build()).build();
    }

    private static String reason(TransactionCanceledException ex, int index) {
        List<CancellationReason> reasons = ex.cancellationReasons();
        return index < reasons.size() && reasons.get(index).code() != null ? reasons.get(index).code() : "None";
    }

    private List<Map<String, AttributeValue>> query(String pk, String skPrefix, boolean consistent) {
        return Queries.all(db, table, pk, skPrefix, consistent);
    }
}
