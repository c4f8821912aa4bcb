package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.GSI1;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reading run items {@code R#{runId}/RUN}: by id, and a pipeline's newest first through GSI1. */
final class RunItems {

    private final Table t;

    RunItems(Table t) {
        this.t = t;
    }

    Optional<Map<String, AttributeValue>> get(String runId) {
        return t.get(StoreKeys.run(runId), "RUN");
    }

    /** A pipeline's run items newest first, page by page, until one matches. */
    Optional<Map<String, AttributeValue>> firstOf(String pipeline, Predicate<Map<String, AttributeValue>> match) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = t.db().query(b -> b.tableName(t.name()).indexName(GSI1)
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

    static Run toRun(Map<String, AttributeValue> i) {
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

    static List<String> strings(AttributeValue list) {
        return list.l().stream().map(AttributeValue::s).toList();
    }
}
