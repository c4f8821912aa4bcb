package io.freshet.state.dynamo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.RunState;
import io.freshet.state.Runs;
import io.freshet.state.StagedOutputs;
import io.freshet.state.StoreException;
import io.freshet.state.json.AssetEventJson;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A run's hand-over to the publisher ({@link Runs#stageOutputs}: the run item's {@code staged}
 * events, fenced on the attempt and its lease) and its commit point ({@link Runs#recordOutputs}:
 * every output event's item and history item, and the run item's {@code outputEvents},
 * {@code inputVersions} and {@code codeVersion}, in ONE transaction whose last write carries the
 * publication's fence).
 */
final class RunOutputs {

    private final Table t;
    private final RunItems items;
    private final DynamoEventLog events;

    RunOutputs(Table t, RunItems items, DynamoEventLog events) {
        this.t = t;
        this.items = items;
        this.events = events;
    }

    boolean record(String runId, int attempt, List<AssetEvent> outputs, Map<String, String> inputVersions, String codeVersion) {
        if (2 * outputs.size() + 1 > Runs.MAX_TRANSACTION_ITEMS) {
            throw new IllegalArgumentException("run " + runId + " has " + outputs.size() + " outputs; one transaction records at most "
                    + (Runs.MAX_TRANSACTION_ITEMS - 1) / 2);
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        for (AssetEvent e : outputs) {
            String json = AssetEventJson.write(e);
            writes.add(events.eventItem(e, json, runId));
            writes.add(events.historyItem(e, json));
        }
        writes.add(TransactWriteItem.builder().update(fence(runId, attempt, outputs, inputVersions, codeVersion)).build());
        try {
            t.db().transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException ex) {
            if (!Table.conditionFailed(ex, writes.size() - 1)) {
                throw new StoreException("recording the outputs of run " + runId + " (attempt " + attempt + ") failed: " + ex.getMessage(), ex);
            }
            // Recorded already by this very attempt (a call repeated after an unclear answer), or the attempt lost the run.
            Map<String, AttributeValue> run = items.get(runId).orElseThrow(() -> new StoreException("no run " + runId, ex));
            boolean ours = RunState.PUBLISHING.name().equals(run.get("state").s()) && run.containsKey("attempt")
                    && Integer.parseInt(run.get("attempt").n()) == attempt && run.containsKey("outputEvents");
            if (!ours) {
                return false;
            }
        }
        outputs.forEach(events::applyFollowUps);
        return true;
    }

    boolean stage(String runId, int attempt, List<AssetEvent> staged, Map<String, String> inputVersions, String codeVersion) {
        Map<String, AttributeValue> versions = new HashMap<>();
        inputVersions.forEach((k, v) -> versions.put(k, Items.s(v)));
        try {
            t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.run(runId), "RUN"))
                    .updateExpression("SET #s = :publishing, staged = :events, stagedInputs = :v, stagedCode = :c, stagedAt = :now, updatedAt = :now")
                    .conditionExpression("#s = :running AND attempt = :a AND leaseUntil > :now")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":publishing", Items.s(RunState.PUBLISHING.name()),
                            ":events", AttributeValue.builder().l(staged.stream().map(e -> Items.s(AssetEventJson.write(e))).toList()).build(),
                            ":v", AttributeValue.builder().m(versions).build(), ":c", Items.s(codeVersion), ":now", Items.s(t.now()),
                            ":running", Items.s(RunState.RUNNING.name()), ":a", Items.n(attempt))));
            return true;
        } catch (ConditionalCheckFailedException notHeld) {
            // Staged already by this very attempt (a call repeated after an unclear answer), or the attempt lost the run.
            return items.get(runId).map(i -> RunState.PUBLISHING.name().equals(i.get("state").s())
                    && Integer.parseInt(i.get("attempt").n()) == attempt).orElse(false);
        }
    }

    Optional<StagedOutputs> staged(String runId) {
        return items.get(runId).filter(i -> i.containsKey("staged")).map(i -> {
            Map<String, String> versions = new TreeMap<>();
            i.get("stagedInputs").m().forEach((k, v) -> versions.put(k, v.s()));
            return new StagedOutputs(Integer.parseInt(i.get("attempt").n()),
                    i.get("staged").l().stream().map(v -> AssetEventJson.read(v.s())).toList(),
                    versions, i.get("stagedCode").s(), Instant.parse(i.get("stagedAt").s()));
        });
    }

    /** The run item's update, only while the run publishes what {@code attempt} staged and no outputs are recorded. */
    private Update fence(String runId, int attempt, List<AssetEvent> outputs, Map<String, String> inputVersions, String codeVersion) {
        Map<String, AttributeValue> versions = new HashMap<>();
        inputVersions.forEach((k, v) -> versions.put(k, Items.s(v)));
        return Update.builder().tableName(t.name()).key(Items.key(StoreKeys.run(runId), "RUN"))
                .updateExpression("SET outputEvents = :ids, inputVersions = :v, codeVersion = :c, updatedAt = :now")
                .conditionExpression("#s = :publishing AND attempt = :a AND attribute_not_exists(outputEvents)")
                .expressionAttributeNames(Map.of("#s", "state"))
                .expressionAttributeValues(Map.of(":ids", AttributeValue.builder().l(outputs.stream().map(e -> Items.s(e.eventId())).toList()).build(),
                        ":v", AttributeValue.builder().m(versions).build(), ":c", Items.s(codeVersion), ":now", Items.s(t.now()),
                        ":publishing", Items.s(RunState.PUBLISHING.name()), ":a", Items.n(attempt)))
                .build();
    }
}
