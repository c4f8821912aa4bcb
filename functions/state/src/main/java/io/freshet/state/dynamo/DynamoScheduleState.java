package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.PK;
import static io.freshet.state.dynamo.StoreKeys.SK;
import static io.freshet.state.dynamo.Table.sortable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.freshet.state.DeployedCode;
import io.freshet.state.DirtyPartition;
import io.freshet.state.ScheduleState;
import io.freshet.state.TickState;
import io.freshet.state.Violation;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The tick's items, in the same table as everything else: {@code SCHED/CURSOR#{pipeline}} and
 * {@code SCHED/CODE#{pipeline}}, {@code DIRTY#{pipeline}/P#{partition}} and
 * {@code FRESH/{asset}#{partition}}.
 */
final class DynamoScheduleState implements ScheduleState {

    private final Table t;

    DynamoScheduleState(Table t) {
        this.t = t;
    }

    // ------------------------------------------------------------------ cron cursors

    @Override
    public TickState load() {
        Map<String, Instant> cursors = new HashMap<>();
        Map<String, DeployedCode> code = new HashMap<>();
        for (Map<String, AttributeValue> i : t.query(StoreKeys.SCHEDULE, null)) {
            String sk = i.get(SK).s();
            if (sk.startsWith("CURSOR#")) {
                cursors.put(sk.substring(7), Instant.parse(i.get("firedUpTo").s()));
            } else if (sk.startsWith("CODE#")) {
                code.put(sk.substring(5), deployedCode(i));
            }
        }
        Map<String, List<Violation>> violations = new HashMap<>();
        for (Map<String, AttributeValue> i : t.query(StoreKeys.FRESHNESS, null)) {
            Violation v = violation(i);
            violations.computeIfAbsent(v.asset(), a -> new ArrayList<>()).add(v);
        }
        return new TickState(cursors, code, violations);
    }

    /** The instant up to which a cron pipeline's fires were handled. */
    @Override
    public Optional<Instant> cursor(String pipeline) {
        return t.get(StoreKeys.SCHEDULE, "CURSOR#" + pipeline).map(i -> Instant.parse(i.get("firedUpTo").s()));
    }

    /** Moves the cursor from {@code seen} to {@code to}; false when another tick moved it first. */
    @Override
    public boolean advanceCursor(String pipeline, Optional<Instant> seen, Instant to) {
        return t.conditionalPut(Items.of(PK, StoreKeys.SCHEDULE, SK, "CURSOR#" + pipeline).s("firedUpTo", sortable(to)).build(),
                seen.map(s -> "firedUpTo = :seen").orElse("attribute_not_exists(PK)"),
                seen.map(s -> Map.of(":seen", Items.s(sortable(s)))).orElse(Map.of()));
    }

    // ------------------------------------------------------------------ code versions

    @Override
    public Optional<DeployedCode> deployedCode(String pipeline) {
        return t.get(StoreKeys.SCHEDULE, "CODE#" + pipeline).map(DynamoScheduleState::deployedCode);
    }

    private static DeployedCode deployedCode(Map<String, AttributeValue> i) {
        return new DeployedCode(i.get("version").s(), i.get("applied").bool(), Instant.parse(i.get("firstSeen").s()),
                Optional.ofNullable(i.get("changedAt")).map(v -> Instant.parse(v.s())));
    }

    /** Records the deployed version if the stored one is still {@code seen}; false when another tick did. */
    @Override
    public boolean recordCode(String pipeline, Optional<DeployedCode> seen, DeployedCode now) {
        Items item = Items.of(PK, StoreKeys.SCHEDULE, SK, "CODE#" + pipeline).s("version", now.version())
                .bool("applied", now.applied()).s("firstSeen", sortable(now.firstSeen())).s("at", sortable(t.clock().instant()));
        now.changedAt().ifPresent(at -> item.s("changedAt", sortable(at)));
        return t.conditionalPut(item.build(),
                seen.map(s -> "version = :v AND applied = :a").orElse("attribute_not_exists(PK)"),
                seen.map(s -> Map.of(":v", Items.s(s.version()), ":a", Items.bool(s.applied()))).orElse(Map.of()));
    }

    // ------------------------------------------------------------------ partitions with new input

    /** Notes that a pipeline's partition got new input (the tick looks only at these). */
    @Override
    public void touchDirty(String pipeline, String partition) {
        String token = sortable(t.clock().instant()) + "#" + UUID.randomUUID();
        t.db().putItem(b -> b.tableName(t.name()).item(Items.of(PK, StoreKeys.dirty(pipeline), SK, "P#" + partition).s("touched", token).build()));
    }

    @Override
    public List<DirtyPartition> dirtyPartitions(String pipeline) {
        return t.query(StoreKeys.dirty(pipeline), "P#").stream()
                .map(i -> new DirtyPartition(i.get(SK).s().substring(2), i.get("touched").s())).toList();
    }

    /** Forgets a partition, unless it was touched again since {@code seen} was read. */
    @Override
    public void clearDirty(String pipeline, DirtyPartition seen) {
        try {
            t.db().deleteItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.dirty(pipeline), "P#" + seen.partition()))
                    .conditionExpression("touched = :t").expressionAttributeValues(Map.of(":t", Items.s(seen.touched()))));
        } catch (ConditionalCheckFailedException touchedAgain) {
            // new input arrived meanwhile: the partition stays on the list
        }
    }

    // ------------------------------------------------------------------ freshness

    @Override
    public List<Violation> violations(String asset) {
        return t.query(StoreKeys.FRESHNESS, asset + "#").stream().map(DynamoScheduleState::violation).toList();
    }

    private static Violation violation(Map<String, AttributeValue> i) {
        return new Violation(i.get("asset").s(), i.get("partition").s(), i.get("violationId").s(), i.get("overdue").bool(),
                i.get("reason").s(), Instant.parse(i.get("since").s()), i.get("announced").bool());
    }

    /** Opens a violation; false when the partition is already overdue (one event per violation). */
    @Override
    public boolean openViolation(Violation v) {
        return t.conditionalPut(violationItem(v), "attribute_not_exists(PK)", Map.of());
    }

    /** Marks a violation recovered, still to announce; false when another tick did. */
    @Override
    public boolean recover(Violation v, String reason) {
        Violation recovered = new Violation(v.asset(), v.partition(), v.violationId(), false, reason, t.clock().instant(), false);
        return t.conditionalPut(violationItem(recovered), "violationId = :id AND overdue = :t",
                Map.of(":id", Items.s(v.violationId()), ":t", Items.bool(true)));
    }

    @Override
    public void markViolationAnnounced(Violation v) {
        try {
            t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.FRESHNESS, violationKey(v)))
                    .updateExpression("SET announced = :t").conditionExpression("violationId = :id AND overdue = :o")
                    .expressionAttributeValues(Map.of(":t", Items.bool(true), ":id", Items.s(v.violationId()), ":o", Items.bool(v.overdue()))));
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            // the next tick sees the new state
        }
    }

    /** Removes a recovered violation once its recovery was announced. */
    @Override
    public void closeViolation(Violation v) {
        try {
            t.db().deleteItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.FRESHNESS, violationKey(v)))
                    .conditionExpression("violationId = :id AND overdue = :f")
                    .expressionAttributeValues(Map.of(":id", Items.s(v.violationId()), ":f", Items.bool(false))));
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            // another tick closed it
        }
    }

    private Map<String, AttributeValue> violationItem(Violation v) {
        return Items.of(PK, StoreKeys.FRESHNESS, SK, violationKey(v)).s("asset", v.asset()).s("partition", v.partition())
                .s("violationId", v.violationId())
                .bool("overdue", v.overdue()).s("reason", v.reason()).s("since", sortable(v.since()))
                .bool("announced", v.announced()).build();
    }

    /** Asset names hold no '#', so {@code asset#} prefixes one asset's violations exactly. */
    private static String violationKey(Violation v) {
        return v.asset() + "#" + v.partition();
    }
}
