package io.freshet.aws.store;

import static io.freshet.aws.store.StoreKeys.PK;
import static io.freshet.aws.store.StoreKeys.SK;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * What the minute tick remembers between ticks, in the same table as everything else: each cron
 * pipeline's cursor, each pipeline's deployed code version, the partitions with new input data,
 * the assets that are overdue, and backfills. Every write that decides something is conditional,
 * so two ticks racing (a duplicated invocation) decide it once.
 */
public final class SchedulerStore {

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public SchedulerStore(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ cron cursors

    /**
     * Everything the tick keeps per pipeline (cursors, code versions) and every open violation, read
     * with a few queries rather than requests per pipeline: with thousands of pipelines a tick
     * must stay well inside its minute (docs/performance.md, "The tick").
     */
    public record TickState(Map<String, Instant> cursors, Map<String, DeployedCode> code, Map<String, List<Violation>> violations) {
        public List<Violation> violations(String asset) {
            return violations.getOrDefault(asset, List.of());
        }
    }

    public TickState load() {
        Map<String, Instant> cursors = new java.util.HashMap<>();
        Map<String, DeployedCode> code = new java.util.HashMap<>();
        for (Map<String, AttributeValue> i : Queries.all(db, table, StoreKeys.SCHEDULE, null, true)) {
            String sk = i.get(SK).s();
            if (sk.startsWith("CURSOR#")) {
                cursors.put(sk.substring(7), Instant.parse(i.get("firedUpTo").s()));
            } else if (sk.startsWith("CODE#")) {
                code.put(sk.substring(5), deployedCode(i));
            }
        }
        Map<String, List<Violation>> violations = new java.util.HashMap<>();
        for (Map<String, AttributeValue> i : Queries.all(db, table, StoreKeys.FRESHNESS, null, true)) {
            Violation v = violation(i);
            violations.computeIfAbsent(v.asset(), a -> new java.util.ArrayList<>()).add(v);
        }
        return new TickState(cursors, code, violations);
    }

    /** The instant up to which a cron pipeline's fires were handled. */
    public Optional<Instant> cursor(String pipeline) {
        return get(StoreKeys.SCHEDULE, "CURSOR#" + pipeline).map(i -> Instant.parse(i.get("firedUpTo").s()));
    }

    /** Moves the cursor from {@code seen} to {@code to}; false when another tick moved it first. */
    public boolean advanceCursor(String pipeline, Optional<Instant> seen, Instant to) {
        return conditionalPut(Items.of(PK, StoreKeys.SCHEDULE, SK, "CURSOR#" + pipeline).s("firedUpTo", DynamoStore.sortable(to)).build(),
                seen.map(s -> "firedUpTo = :seen").orElse("attribute_not_exists(PK)"),
                seen.map(s -> Map.of(":seen", Items.s(DynamoStore.sortable(s)))).orElse(Map.of()));
    }

    // ------------------------------------------------------------------ code versions

    /**
     * The code version the tick last saw deployed, whether its re-materialization was requested, and
     * when the tick first saw the pipeline at all.
     */
    public record DeployedCode(String version, boolean applied, Instant firstSeen) {
    }

    public Optional<DeployedCode> deployedCode(String pipeline) {
        return get(StoreKeys.SCHEDULE, "CODE#" + pipeline).map(SchedulerStore::deployedCode);
    }

    private static DeployedCode deployedCode(Map<String, AttributeValue> i) {
        return new DeployedCode(i.get("version").s(), i.get("applied").bool(), Instant.parse(i.get("firstSeen").s()));
    }

    /** Records the deployed version if the stored one is still {@code seen}; false when another tick did. */
    public boolean recordCode(String pipeline, Optional<DeployedCode> seen, DeployedCode now) {
        return conditionalPut(Items.of(PK, StoreKeys.SCHEDULE, SK, "CODE#" + pipeline).s("version", now.version())
                        .bool("applied", now.applied()).s("firstSeen", DynamoStore.sortable(now.firstSeen()))
                        .s("at", DynamoStore.sortable(clock.instant())).build(),
                seen.map(s -> "version = :v AND applied = :a").orElse("attribute_not_exists(PK)"),
                seen.map(s -> Map.of(":v", Items.s(s.version()), ":a", Items.bool(s.applied()))).orElse(Map.of()));
    }

    // ------------------------------------------------------------------ partitions with new input

    /** A partition of a pipeline that got new input; {@code touched} tells a later touch apart. */
    public record Dirty(String partition, String touched) {
    }

    /** Notes that a pipeline's partition got new input (the tick looks only at these). */
    public void touchDirty(String pipeline, String partition) {
        String token = DynamoStore.sortable(clock.instant()) + "#" + java.util.UUID.randomUUID();
        db.putItem(b -> b.tableName(table).item(Items.of(PK, StoreKeys.dirty(pipeline), SK, "P#" + partition).s("touched", token).build()));
    }

    public List<Dirty> dirtyPartitions(String pipeline) {
        return Queries.all(db, table, StoreKeys.dirty(pipeline), "P#", true).stream()
                .map(i -> new Dirty(i.get(SK).s().substring(2), i.get("touched").s())).toList();
    }

    /** Forgets a partition, unless it was touched again since {@code seen} was read. */
    public void clearDirty(String pipeline, Dirty seen) {
        try {
            db.deleteItem(b -> b.tableName(table).key(Items.key(StoreKeys.dirty(pipeline), "P#" + seen.partition()))
                    .conditionExpression("touched = :t").expressionAttributeValues(Map.of(":t", Items.s(seen.touched()))));
        } catch (ConditionalCheckFailedException touchedAgain) {
            // new input arrived meanwhile: the partition stays on the list
        }
    }

    // ------------------------------------------------------------------ freshness

    /**
     * An asset partition that is overdue (or just recovered). {@code announced}: whether the event
     * for its current state went out; a tick that died before announcing leaves it to the next.
     */
    public record Violation(String asset, String partition, String violationId, boolean overdue, String reason,
                            Instant since, boolean announced) {
    }

    public List<Violation> violations(String asset) {
        return Queries.all(db, table, StoreKeys.FRESHNESS, asset + "#", true).stream().map(SchedulerStore::violation).toList();
    }

    private static Violation violation(Map<String, AttributeValue> i) {
        return new Violation(i.get("asset").s(), i.get("partition").s(), i.get("violationId").s(), i.get("overdue").bool(),
                i.get("reason").s(), Instant.parse(i.get("since").s()), i.get("announced").bool());
    }

    /** Opens a violation; false when the partition is already overdue (one event per violation). */
    public boolean openViolation(Violation v) {
        return conditionalPut(violationItem(v), "attribute_not_exists(PK)", Map.of());
    }

    /** Marks a violation recovered, still to announce; false when another tick did. */
    public boolean recover(Violation v, String reason) {
        Violation recovered = new Violation(v.asset(), v.partition(), v.violationId(), false, reason, clock.instant(), false);
        return conditionalPut(violationItem(recovered), "violationId = :id AND overdue = :t",
                Map.of(":id", Items.s(v.violationId()), ":t", Items.bool(true)));
    }

    public void markViolationAnnounced(Violation v) {
        try {
            db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.FRESHNESS, violationKey(v)))
                    .updateExpression("SET announced = :t").conditionExpression("violationId = :id AND overdue = :o")
                    .expressionAttributeValues(Map.of(":t", Items.bool(true), ":id", Items.s(v.violationId()), ":o", Items.bool(v.overdue()))));
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            // the next tick sees the new state
        }
    }

    /** Removes a recovered violation once its recovery was announced. */
    public void closeViolation(Violation v) {
        try {
            db.deleteItem(b -> b.tableName(table).key(Items.key(StoreKeys.FRESHNESS, violationKey(v)))
                    .conditionExpression("violationId = :id AND overdue = :f")
                    .expressionAttributeValues(Map.of(":id", Items.s(v.violationId()), ":f", Items.bool(false))));
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            // another tick closed it
        }
    }

    private Map<String, AttributeValue> violationItem(Violation v) {
        return Items.of(PK, StoreKeys.FRESHNESS, SK, violationKey(v)).s("asset", v.asset()).s("partition", v.partition())
                .s("violationId", v.violationId())
                .bool("overdue", v.overdue()).s("reason", v.reason()).s("since", DynamoStore.sortable(v.since()))
                .bool("announced", v.announced()).build();
    }

    /** Asset names hold no '#', so {@code asset#} prefixes one asset's violations exactly. */
    private static String violationKey(Violation v) {
        return v.asset() + "#" + v.partition();
    }

    // ------------------------------------------------------------------ backfills

    /**
     * What a backfill was asked to do, kept so that it can be resumed by id.
     *
     * @param force whether its runs execute even when inputs and code are unchanged ({@code --force})
     */
    public record Backfill(String backfillId, String asset, String from, String to, boolean downstream, boolean force, Instant createdAt) {
        public Backfill(String backfillId, String asset, String from, String to, boolean downstream, Instant createdAt) {
            this(backfillId, asset, from, to, downstream, false, createdAt);
        }
    }

    /** Records a backfill; false when the id exists already. */
    public boolean createBackfill(Backfill b) {
        return conditionalPut(Items.of(PK, StoreKeys.backfill(b.backfillId()), SK, "PLAN").s("asset", b.asset()).s("from", b.from())
                .s("to", b.to()).bool("downstream", b.downstream()).bool("force", b.force()).s("createdAt", DynamoStore.sortable(b.createdAt())).build(),
                "attribute_not_exists(PK)", Map.of());
    }

    public Optional<Backfill> backfill(String backfillId) {
        return get(StoreKeys.backfill(backfillId), "PLAN").map(i -> new Backfill(backfillId, i.get("asset").s(), i.get("from").s(),
                i.get("to").s(), i.get("downstream").bool(), i.containsKey("force") && i.get("force").bool(), Instant.parse(i.get("createdAt").s())));
    }

    /** How many times a backfill item was requested again after failing (0 at first). */
    public int backfillRound(String backfillId, String pipeline, String partition) {
        return get(StoreKeys.backfill(backfillId), itemKey(pipeline, partition))
                .filter(i -> i.containsKey("round")).map(i -> Integer.parseInt(i.get("round").n())).orElse(0);
    }

    public void setBackfillRound(String backfillId, String pipeline, String partition, int round) {
        db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.backfill(backfillId), itemKey(pipeline, partition)))
                .updateExpression("SET #r = :r").expressionAttributeNames(Map.of("#r", "round"))
                .expressionAttributeValues(Map.of(":r", Items.n(round))));
    }

    /** The run a backfill item adopted: one its pipeline's own trigger created for the upstream's new data. */
    public Optional<String> backfillRun(String backfillId, String pipeline, String partition) {
        return get(StoreKeys.backfill(backfillId), itemKey(pipeline, partition))
                .flatMap(i -> Optional.ofNullable(i.get("runId"))).map(AttributeValue::s);
    }

    public void setBackfillRun(String backfillId, String pipeline, String partition, Optional<String> runId) {
        db.updateItem(b -> b.tableName(table).key(Items.key(StoreKeys.backfill(backfillId), itemKey(pipeline, partition)))
                .updateExpression(runId.isPresent() ? "SET runId = :r" : "REMOVE runId")
                .expressionAttributeValues(runId.map(r -> Map.of(":r", Items.s(r))).orElse(null)));
    }

    private static String itemKey(String pipeline, String partition) {
        return "ITEM#" + pipeline + "#" + partition;
    }

    // ------------------------------------------------------------------ plumbing

    private Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true).key(Items.key(pk, sk))).item();
        return item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private boolean conditionalPut(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        try {
            db.putItem(b -> {
                b.tableName(table).item(item).conditionExpression(condition);
                if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                }
            });
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }
}
