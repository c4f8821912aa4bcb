package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.GSI1PK;
import static io.freshet.state.dynamo.StoreKeys.GSI1SK;
import static io.freshet.state.dynamo.StoreKeys.GSI2;
import static io.freshet.state.dynamo.StoreKeys.GSI2PK;
import static io.freshet.state.dynamo.StoreKeys.GSI2SK;
import static io.freshet.state.dynamo.StoreKeys.PK;
import static io.freshet.state.dynamo.StoreKeys.SK;
import static io.freshet.state.dynamo.Table.sortable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Request;
import io.freshet.state.ConsumerView;
import io.freshet.state.Runs;
import io.freshet.state.StagedOutputs;
import io.freshet.state.StoreException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Run items {@code R#{runId}/RUN}: GSI1 lists a pipeline's ended runs (a run joins it when it
 * ends, so that its writes while active are billed for one index, not two), GSI2 the runs still
 * active and the ended ones whose end was not announced (the sweeper's lists). Every change of a run's state
 * is conditional on the state it moves from, and an attempt's changes on its attempt number.
 */
final class DynamoRuns implements Runs {

    /** Where createOnDelivery puts the delivered event's conditional marker. */
    private static final int DELIVERED_MARKER = 2;

    private final Table t;
    private final DynamoConsumerStates consumers;
    private final RunItems items;
    private final RunOutputs outputs;

    DynamoRuns(Table t, DynamoEventLog events, DynamoConsumerStates consumers) {
        this.t = t;
        this.consumers = consumers;
        this.items = new RunItems(t);
        this.outputs = new RunOutputs(t, items, events);
    }

    @Override
    public Optional<Run> tryCreate(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason) {
        Creation creation = creation(seen, runId, consumed, reason, Optional.empty());
        try {
            t.db().transactWriteItems(b -> b.transactItems(creation.writes()));
        } catch (TransactionCanceledException lostTheRace) {
            if (dropConsumedElsewhere(seen, creation, lostTheRace)) {
                return Optional.empty(); // read again, without the events another run consumed
            }
            if (Table.lostTheRace(lostTheRace)) {
                return Optional.empty(); // another evaluation changed, or is changing, this consumer partition: read again
            }
            throw new StoreException("creating run " + runId + " of " + seen.pipeline() + "/" + seen.partition() + " failed: " + lostTheRace.getMessage(), lostTheRace);
        }
        if (!creation.consumedNow()) {
            consumers.cleanupConsumed(runId);
        }
        return Optional.of(creation.run());
    }

    @Override
    public Delivered createOnDelivery(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason, AssetEvent delivered) {
        if (consumed.size() > MAX_CONSUMED_ON_DELIVERY || consumed.stream().noneMatch(p -> p.eventId().equals(delivered.eventId()))) {
            throw new IllegalArgumentException("a run created on delivery consumes the delivered event and at most "
                    + MAX_CONSUMED_ON_DELIVERY + " in all, got " + consumed.size());
        }
        Creation creation = creation(seen, runId, consumed, reason, Optional.of(delivered));
        try {
            t.db().transactWriteItems(b -> b.transactItems(creation.writes()));
        } catch (TransactionCanceledException ex) {
            if (dropConsumedElsewhere(seen, creation, ex)) {
                return new Delivered.Contended();
            }
            if (Table.conditionFailed(ex, DELIVERED_MARKER)) {
                // A redelivery that found the partition held added the event to the pending set meanwhile: it waits there.
                boolean waiting = DynamoConsumerStates.waiting(ex.cancellationReasons().get(DELIVERED_MARKER).item());
                return waiting ? new Delivered.Contended() : new Delivered.ConsumedAlready();
            }
            if (Table.lostTheRace(ex)) {
                return new Delivered.Contended();
            }
            throw new StoreException("creating run " + runId + " of " + seen.pipeline() + "/" + seen.partition() + " on the delivery of "
                    + delivered.eventId() + " failed: " + ex.getMessage(), ex);
        }
        return new Delivered.Created(creation.run());
    }

    /**
     * A run's creating transaction, the run it creates, whether the transaction consumes its
     * events, and where in it each pending event's marker is.
     */
    private record Creation(List<TransactWriteItem> writes, Run run, boolean consumedNow, Map<Integer, PendingEvent> markers) {
    }

    /**
     * Whether the creation was cancelled because another run had consumed some of the pending
     * events it consumes (see {@link DynamoConsumerStates#consumingMarker}); if so, their pending
     * items are deleted, so that the evaluation that reads again decides without them.
     */
    private boolean dropConsumedElsewhere(ConsumerView seen, Creation creation, TransactionCanceledException ex) {
        List<PendingEvent> consumedElsewhere = creation.markers().entrySet().stream()
                .filter(m -> Table.conditionFailed(ex, m.getKey())).map(Map.Entry::getValue).toList();
        consumers.dropConsumedPending(seen.pipeline(), seen.partition(), consumedElsewhere);
        return !consumedElsewhere.isEmpty();
    }

    private Creation creation(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason, Optional<AssetEvent> delivered) {
        Instant now = t.clock().instant();
        List<AttributeValue> ids = consumed.stream().map(p -> Items.s(p.eventId())).toList();
        // No GSI1 keys yet: a run joins its pipeline's list (GSI1) when it ends (see end); while
        // active it is on GSI2's short ACTIVE list, and every write of an indexed item is billed
        // once more per index it is on (twice in a transaction).
        Map<String, AttributeValue> runItem = new HashMap<>(Items.of(PK, StoreKeys.run(runId), SK, "RUN")
                .s("runId", runId).s("pipeline", seen.pipeline()).s("partition", seen.partition())
                .s("state", RunState.QUEUED.name()).s("reason", reason).list("consumed", ids)
                .s("createdAt", sortable(now)).s("updatedAt", sortable(now)).bool("announced", false)
                .s(GSI2PK, StoreKeys.ACTIVE).s(GSI2SK, sortable(now) + "#" + runId).build());
        Optional<Instant> oldestInput = consumed.stream().filter(p -> !Request.isRequest(p))
                .map(PendingEvent::time).min(Instant::compareTo);
        oldestInput.ifPresent(time -> runItem.put("oldestInput", Items.s(sortable(time))));
        // The run consumes its events in the same transaction (their consumed markers, the pending
        // items gone), unless they are too many for one; then they follow, as cleanupConsumed,
        // which finds the pending items' keys on the run item (only then: they would be dead weight).
        boolean consumeNow = 2 + 2 * consumed.size() <= MAX_TRANSACTION_ITEMS;
        if (!consumeNow) {
            runItem.put("pendingKeys", AttributeValue.builder()
                    .l(consumed.stream().map(p -> Items.s(StoreKeys.pending(sortable(p.time()), p.eventId()))).toList()).build());
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(t.put(runItem, "attribute_not_exists(PK)"));
        writes.add(TransactWriteItem.builder().update(holdConsumer(seen, runId, consumeNow)).build());
        // A delivered event never joined the pending set: its marker, put only if there is none,
        // is the check that no run consumed it yet and that it does not wait in the pending set
        // either (DELIVERED_MARKER; a redelivery that found the partition held may have added it
        // after this evaluation read the partition, which does not change the state's version, but
        // writes a waiting marker). Its record was read and found as delivered before (RecordedEvents
        // in the trigger): a read unit there instead of a check's two write units here.
        delivered.ifPresent(e -> {
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(t.name())
                    .item(DynamoConsumerStates.consumedMarker(t, seen.pipeline(), seen.partition(), e.eventId(), runId))
                    .conditionExpression("attribute_not_exists(PK)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build());
        });
        Map<Integer, PendingEvent> markers = new HashMap<>();
        if (consumeNow) {
            for (PendingEvent p : consumed) {
                if (delivered.isPresent() && delivered.get().eventId().equals(p.eventId())) {
                    continue;
                }
                markers.put(writes.size(), p);
                writes.add(consumers.consumingMarker(seen.pipeline(), seen.partition(), p.eventId(), runId));
                writes.add(TransactWriteItem.builder().delete(d -> d.tableName(t.name())
                        .key(Items.key(StoreKeys.consumer(seen.pipeline(), seen.partition()), StoreKeys.pending(sortable(p.time()), p.eventId())))).build());
            }
        }
        Run run = new Run(runId, seen.pipeline(), seen.partition(), RunState.QUEUED, reason,
                consumed.stream().map(PendingEvent::eventId).toList(), now, now, false, 0, Optional.empty(), Optional.empty(),
                oldestInput, Optional.empty());
        return new Creation(writes, run, consumeNow, markers);
    }

    /** The consumer state's move to "run active", conditioned on the version {@code seen} read. */
    private Update holdConsumer(ConsumerView seen, String runId, boolean cleaned) {
        return Update.builder().tableName(t.name())
                .key(Items.key(StoreKeys.consumer(seen.pipeline(), seen.partition()), "STATE"))
                .updateExpression("SET activeRun = :r, lastRun = :r, cleaned = :c, version = :next")
                .conditionExpression(seen.version() == 0 ? "attribute_not_exists(PK)" : "version = :v")
                .expressionAttributeValues(seen.version() == 0
                        ? Map.of(":r", Items.s(runId), ":c", Items.bool(cleaned), ":next", Items.n(1))
                        : Map.of(":r", Items.s(runId), ":c", Items.bool(cleaned), ":next", Items.n(seen.version() + 1), ":v", Items.n(seen.version())))
                .build();
    }

    @Override
    public Optional<Run> run(String runId) {
        return items.get(runId).map(RunItems::toRun);
    }

    @Override
    public List<Run> of(String pipeline) {
        // Active runs first (GSI2), then the ended ones (GSI1), so that a run ending in between is
        // in one list or the other; read second, GSI1's copy wins. Runs the previous version
        // created are on both lists while active.
        Map<String, Run> byId = new HashMap<>();
        active().stream().filter(r -> r.pipeline().equals(pipeline)).forEach(r -> byId.put(r.runId(), r));
        items.firstOf(pipeline, i -> {
            Run r = RunItems.toRun(i);
            byId.put(r.runId(), r);
            return false;
        });
        return byId.values().stream().sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::runId).reversed()).toList();
    }

    @Override
    public List<Run> active() {
        return Queries.all(t.db(), t.name(), GSI2, GSI2PK, GSI2SK, StoreKeys.ACTIVE, null, false).stream().map(RunItems::toRun).toList();
    }

    @Override
    public List<Run> unannouncedEnds() {
        return Queries.all(t.db(), t.name(), GSI2, GSI2PK, GSI2SK, StoreKeys.ANNOUNCE, null, false).stream().map(RunItems::toRun).toList();
    }

    @Override
    public void markAnnounced(String runId) {
        t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.run(runId), "RUN"))
                .updateExpression("SET announced = :t, announcedAt = :now, updatedAt = :now")
                .expressionAttributeValues(Map.of(":t", Items.bool(true), ":now", Items.s(t.now()))));
    }

    @Override
    public void markEndAnnounced(String runId) {
        t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.run(runId), "RUN"))
                .updateExpression("REMOVE " + GSI2PK + ", " + GSI2SK));
    }

    @Override
    public Optional<Integer> startAttempt(String runId, Instant leaseUntil) {
        try {
            var r = t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.run(runId), "RUN"))
                    .updateExpression("SET #s = :running, leaseUntil = :lease, updatedAt = :now ADD attempt :one")
                    .conditionExpression("(#s = :queued AND (attribute_not_exists(retryAt) OR retryAt <= :now)) OR (#s = :running AND leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":running", Items.s(RunState.RUNNING.name()), ":queued", Items.s(RunState.QUEUED.name()),
                            ":lease", Items.s(sortable(leaseUntil)), ":now", Items.s(t.now()), ":one", Items.n(1)))
                    .returnValues(ReturnValue.UPDATED_NEW));
            return Optional.of(Integer.parseInt(r.attributes().get("attempt").n()));
        } catch (ConditionalCheckFailedException alreadyRunningOrDone) {
            return Optional.empty();
        }
    }

    @Override
    public boolean retryLater(String runId, int attempt, Instant retryAt, String error) {
        try {
            t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.run(runId), "RUN"))
                    .updateExpression("SET #s = :queued, retryAt = :at, lastError = :err, announced = :f, updatedAt = :now REMOVE leaseUntil")
                    .conditionExpression("#s = :running AND attempt = :attempt")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":queued", Items.s(RunState.QUEUED.name()), ":running", Items.s(RunState.RUNNING.name()),
                            ":at", Items.s(sortable(retryAt)), ":err", Items.s(error), ":f", Items.bool(false),
                            ":now", Items.s(t.now()), ":attempt", Items.n(attempt))));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            return false;
        }
    }

    @Override
    public boolean stageOutputs(String runId, int attempt, List<AssetEvent> events, Map<String, String> inputVersions, String codeVersion) {
        return outputs.stage(runId, attempt, events, inputVersions, codeVersion);
    }

    @Override
    public Optional<StagedOutputs> staged(String runId) {
        return outputs.staged(runId);
    }

    @Override
    public boolean recordOutputs(String runId, int attempt, List<AssetEvent> events, Map<String, String> inputVersions, String codeVersion) {
        return outputs.record(runId, attempt, events, inputVersions, codeVersion);
    }

    @Override
    public Optional<List<String>> recordedOutputs(String runId) {
        return items.get(runId).filter(i -> i.containsKey("outputEvents")).map(i -> RunItems.strings(i.get("outputEvents")));
    }

    @Override
    public boolean finish(String runId, int attempt, RunState outcome, String reason) {
        return end(runId, outcome, reason, "#s IN (:r, :p) AND attempt = :a", Map.of(":a", Items.n(attempt)));
    }

    @Override
    public void finishUnfenced(String runId, RunState outcome, String reason) {
        if (!end(runId, outcome, reason, "#s IN (:q, :r, :p)", Map.of(":q", Items.s(RunState.QUEUED.name())))) {
            throw new StoreException("run " + runId + " is not active; it cannot finish as " + outcome, null);
        }
    }

    /**
     * The one way a run ends: its state set under {@code runCondition} (with {@code :r} bound to
     * RUNNING, {@code :p} to PUBLISHING) and the consumer partition freed, in one transaction. False when the condition did
     * not hold; nothing was written.
     */
    private boolean end(String runId, RunState outcome, String reason, String runCondition, Map<String, AttributeValue> conditionValues) {
        if (outcome.isActive()) {
            throw new IllegalArgumentException("a run finishes as SUCCEEDED, FAILED or SKIPPED, not " + outcome);
        }
        Run run = run(runId).orElseThrow(() -> new StoreException("no run " + runId, null));
        Map<String, AttributeValue> values = new HashMap<>(conditionValues);
        values.putAll(Map.of(":s", Items.s(outcome.name()), ":now", Items.s(t.now()), ":why", Items.s(reason),
                ":r", Items.s(RunState.RUNNING.name()), ":p", Items.s(RunState.PUBLISHING.name()), ":announce", Items.s(StoreKeys.ANNOUNCE)));
        values.putAll(Map.of(":runs", Items.s(StoreKeys.runsOf(run.pipeline())), ":since", Items.s(sortable(run.createdAt()) + "#" + runId)));
        try {
            t.db().transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(Update.builder().tableName(t.name()).key(Items.key(StoreKeys.run(runId), "RUN"))
                            .updateExpression("SET #s = :s, updatedAt = :now, finishReason = :why, " + GSI2PK + " = :announce, "
                                    + GSI1PK + " = :runs, " + GSI1SK + " = :since") // the pipeline's list, from its end on
                            .conditionExpression(runCondition)
                            .expressionAttributeNames(Map.of("#s", "state"))
                            .expressionAttributeValues(values)
                            .build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(t.name())
                            .key(Items.key(StoreKeys.consumer(run.pipeline(), run.partition()), "STATE"))
                            .updateExpression("REMOVE activeRun SET version = version + :one")
                            .conditionExpression("activeRun = :r")
                            .expressionAttributeValues(Map.of(":r", Items.s(runId), ":one", Items.n(1))).build()).build()));
            return true;
        } catch (TransactionCanceledException ex) {
            if (Table.conditionFailed(ex, 0)) { // the run's condition; a consumer partition held by another run is a defect
                return false;
            }
            throw new StoreException("run " + runId + " could not finish as " + outcome + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public Optional<Map<String, String>> lastSucceededInputs(String pipeline, String partition, String codeVersionKey) {
        // Every attempt asks this: read newest first and stop at the first match, not the pipeline's whole history.
        return items.firstOf(pipeline, i -> i.get("partition").s().equals(partition)
                        && RunState.SUCCEEDED.name().equals(i.get("state").s()) && i.containsKey("inputVersions"))
                .map(i -> {
                    Map<String, String> out = new TreeMap<>();
                    i.get("inputVersions").m().forEach((k, v) -> out.put(k, v.s()));
                    out.put(codeVersionKey, i.get("codeVersion").s());
                    return out;
                });
    }
}
