package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.PK;
import static io.freshet.state.dynamo.StoreKeys.SK;
import static io.freshet.state.dynamo.Table.sortable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.S3Change;
import io.freshet.state.AtOnce;
import io.freshet.state.EventLog;
import io.freshet.state.Recorded;
import io.freshet.state.StoreException;
import io.freshet.state.json.AssetEventJson;
import io.freshet.state.StoredEvent;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The event log's items: {@code EV#{eventId}/EV} (the event, once), its history item
 * {@code A#{asset}/E#...}, the partition state {@code S#{partition}} and {@code NEWEST}. Each item
 * keeps the event as JSON ({@link AssetEventJson}); what leaves this class is an {@link AssetEvent}.
 */
final class DynamoEventLog implements EventLog {

    /**
     * When the partition state and NEWEST move to an event: a later time, or the same whole
     * second (EventBridge's resolution) and a later {@link #stateOrder}, so that of two uploads of
     * one key in one second the one S3 sequenced last wins whatever order they arrive in. Items
     * written before {@code order} existed lose ties.
     */
    private static final String NEWER_THAN_STORED =
            "attribute_not_exists(PK) OR #t < :t OR (#t = :t AND (attribute_not_exists(#o) OR #o < :o))";

    /** Set on an event recorded by {@link #recordAnnouncing}: its recorder announces it again on each redelivery. */
    private static final String ANNOUNCING = "announcing";

    private final Table t;

    DynamoEventLog(Table t) {
        this.t = t;
    }

    @Override
    public Recorded record(AssetEvent e) {
        return record(e, false);
    }

    @Override
    public Recorded recordAnnouncing(AssetEvent e) {
        return record(e, true);
    }

    /**
     * The event's own item, put once (a conditional put: one write unit), then its place in its
     * partition's history, the partition's state and NEWEST, at once (three independent items, each
     * idempotent). The history item used to share a transaction with the event's: two items at twice
     * the price, 4 write units where these are 2. A recorder that dies between the two steps leaves
     * the rest to its retry, which finds the event recorded and writes them from the recorded copy,
     * as it always did for the partition's state; no one announces the event before they are written.
     */
    private Recorded record(AssetEvent e, boolean announcing) {
        String json = AssetEventJson.write(e);
        try {
            t.db().putItem(b -> b.tableName(t.name()).item(eventItemOf(e, json, null, announcing)).conditionExpression("attribute_not_exists(PK)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        } catch (ConditionalCheckFailedException recordedBefore) {
            Map<String, AttributeValue> existing = recordedBefore.hasItem() ? recordedBefore.item()
                    : t.get(StoreKeys.event(e.eventId()), "EV")
                            .orElseThrow(() -> new StoreException("event " + e.eventId() + " of " + e.asset() + " was recorded and is gone", recordedBefore));
            placeAndFollowUp(event(existing)); // the recorded event's, not this delivery's copy
            return new Recorded(false, flag(existing, "announced"), flag(existing, ANNOUNCING));
        }
        placeAndFollowUp(e);
        return new Recorded(true, announcing, announcing);
    }

    private static boolean flag(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) && item.get(name).bool();
    }

    /** The event's own item, put once; a run's outputs name their run. */
    TransactWriteItem eventItem(AssetEvent e, String json, String runId) {
        return t.put(eventItemOf(e, json, runId, false), "attribute_not_exists(PK)");
    }

    /** {@code announcing}: recorded by {@link #recordAnnouncing}, stored as announced from the start. */
    private static Map<String, AttributeValue> eventItemOf(AssetEvent e, String json, String runId, boolean announcing) {
        Items item = Items.of(PK, StoreKeys.event(e.eventId()), SK, "EV")
                .s("asset", e.asset()).s("partition", e.partition()).s("time", sortable(e.time()))
                .s("json", json).bool("announced", announcing);
        if (announcing) {
            item.bool(ANNOUNCING, true);
        }
        if (runId != null) {
            item.s("runId", runId);
        }
        return item.build();
    }

    /** The event's place in its partition's history. */
    TransactWriteItem historyItem(AssetEvent e, String json) {
        return t.put(historyItemOf(e, json), null);
    }

    private static Map<String, AttributeValue> historyItemOf(AssetEvent e, String json) {
        return Items.of(PK, StoreKeys.asset(e.asset()), SK, StoreKeys.history(e.partition(), sortable(e.time()), e.eventId()))
                .s("eventId", e.eventId()).s("json", json).build();
    }

    @Override
    public void applyFollowUps(AssetEvent e) {
        String json = AssetEventJson.write(e);
        String time = sortable(e.time());
        String order = stateOrder(e);
        // The latest state moves forward only: a late, older event stays in the history only.
        Map<String, AttributeValue> partitionState = Items.of(PK, StoreKeys.asset(e.asset()), SK, StoreKeys.assetState(e.partition()))
                .s("eventId", e.eventId()).s("time", time).s("dataVersion", e.dataVersion()).s("json", json)
                .s("order", order).build();
        // The asset's newest event over all partitions: what a source's freshness looks at.
        Map<String, AttributeValue> newest = Items.of(PK, StoreKeys.asset(e.asset()), SK, "NEWEST")
                .s("eventId", e.eventId()).s("time", time).s("partition", e.partition()).s("json", json)
                .s("order", order).build();
        // Independent items, each moving forward on its own: written at once, in either order.
        AtOnce.both(() -> moveForward(newest, time, order), () -> moveForward(partitionState, time, order));
    }

    private void moveForward(Map<String, AttributeValue> item, String time, String order) {
        try {
            t.db().putItem(b -> b.tableName(t.name()).item(item)
                    .conditionExpression(NEWER_THAN_STORED)
                    .expressionAttributeNames(Map.of("#t", "time", "#o", "order"))
                    .expressionAttributeValues(Map.of(":t", Items.s(time), ":o", Items.s(order))));
        } catch (ConditionalCheckFailedException newerAlreadyThere) {
            // nothing to do
        }
    }

    /** The event's time, then its S3 sequencer (padded to sort as S3 orders them; empty for run outputs). */
    static String stateOrder(AssetEvent e) {
        String sequencer = e.metadata().get(S3Change.SEQUENCER);
        return sortable(e.time()) + "#" + (sequencer == null ? "" : S3Change.sortableSequencer(sequencer));
    }

    @Override
    public void recordInHistory(AssetEvent e) {
        Map<String, AttributeValue> item = historyItemOf(e, AssetEventJson.write(e));
        t.db().putItem(b -> b.tableName(t.name()).item(item));
    }

    @Override
    public void markAnnounced(String eventId) {
        t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.event(eventId), "EV"))
                .updateExpression("SET announced = :t").expressionAttributeValues(Map.of(":t", Items.bool(true))));
    }

    @Override
    public Optional<StoredEvent> stored(String eventId) {
        return t.get(StoreKeys.event(eventId), "EV").map(item -> new StoredEvent(event(item), flag(item, "announced")));
    }

    @Override
    public Optional<AssetEvent> event(String eventId) {
        return t.get(StoreKeys.event(eventId), "EV").map(DynamoEventLog::event);
    }

    @Override
    public List<AssetEvent> history(String asset, String partition) {
        return t.query(StoreKeys.asset(asset), StoreKeys.historyPrefix(partition)).stream().map(DynamoEventLog::event).toList();
    }

    @Override
    public List<AssetEvent> recent(String asset, int limit) {
        List<AssetEvent> events = new ArrayList<>(t.query(StoreKeys.asset(asset), "E#").stream().map(DynamoEventLog::event).toList());
        events.sort(Comparator.comparing(AssetEvent::time).reversed());
        return List.copyOf(events.subList(0, Math.min(limit, events.size())));
    }

    @Override
    public Optional<AssetEvent> latest(String asset, String partition) {
        return t.get(StoreKeys.asset(asset), StoreKeys.assetState(partition)).map(DynamoEventLog::event);
    }

    @Override
    public Optional<AssetEvent> newest(String asset) {
        return t.get(StoreKeys.asset(asset), "NEWEST").map(DynamoEventLog::event);
    }

    @Override
    public List<String> partitionsWithData(String asset, int limit) {
        List<String> keys = new ArrayList<>();
        for (Map<String, AttributeValue> item : t.query(StoreKeys.asset(asset), "S#")) {
            keys.add(item.get(SK).s().substring(2));
        }
        keys.sort(Comparator.reverseOrder());
        return List.copyOf(keys.subList(0, Math.min(limit, keys.size())));
    }

    private static AssetEvent event(Map<String, AttributeValue> item) {
        return AssetEventJson.read(item.get("json").s());
    }
}
