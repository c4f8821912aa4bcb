package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.PK;
import static io.freshet.state.dynamo.StoreKeys.SK;
import static io.freshet.state.dynamo.Table.sortable;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.freshet.state.Backfills;
import io.freshet.state.StoredBackfill;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A backfill's items: {@code BF#{backfillId}/PLAN} and one {@code ITEM#{pipeline}#{partition}} per item. */
final class DynamoBackfills implements Backfills {

    private final Table t;

    DynamoBackfills(Table t) {
        this.t = t;
    }

    @Override
    public boolean create(StoredBackfill b) {
        return t.conditionalPut(Items.of(PK, StoreKeys.backfill(b.backfillId()), SK, "PLAN").s("asset", b.asset()).s("from", b.from())
                .s("to", b.to()).bool("downstream", b.downstream()).bool("force", b.force()).s("createdAt", sortable(b.createdAt())).build(),
                "attribute_not_exists(PK)", Map.of());
    }

    @Override
    public Optional<StoredBackfill> find(String backfillId) {
        return t.get(StoreKeys.backfill(backfillId), "PLAN").map(i -> new StoredBackfill(backfillId, i.get("asset").s(), i.get("from").s(),
                i.get("to").s(), i.get("downstream").bool(), i.containsKey("force") && i.get("force").bool(), Instant.parse(i.get("createdAt").s())));
    }

    @Override
    public int round(String backfillId, String pipeline, String partition) {
        return t.get(StoreKeys.backfill(backfillId), itemKey(pipeline, partition))
                .filter(i -> i.containsKey("round")).map(i -> Integer.parseInt(i.get("round").n())).orElse(0);
    }

    @Override
    public void setRound(String backfillId, String pipeline, String partition, int round) {
        t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.backfill(backfillId), itemKey(pipeline, partition)))
                .updateExpression("SET #r = :r").expressionAttributeNames(Map.of("#r", "round"))
                .expressionAttributeValues(Map.of(":r", Items.n(round))));
    }

    @Override
    public Optional<String> adoptedRun(String backfillId, String pipeline, String partition) {
        return t.get(StoreKeys.backfill(backfillId), itemKey(pipeline, partition))
                .flatMap(i -> Optional.ofNullable(i.get("runId"))).map(AttributeValue::s);
    }

    @Override
    public void setAdoptedRun(String backfillId, String pipeline, String partition, Optional<String> runId) {
        t.db().updateItem(b -> b.tableName(t.name()).key(Items.key(StoreKeys.backfill(backfillId), itemKey(pipeline, partition)))
                .updateExpression(runId.isPresent() ? "SET runId = :r" : "REMOVE runId")
                .expressionAttributeValues(runId.map(r -> Map.of(":r", Items.s(r))).orElse(null)));
    }

    private static String itemKey(String pipeline, String partition) {
        return "ITEM#" + pipeline + "#" + partition;
    }
}
