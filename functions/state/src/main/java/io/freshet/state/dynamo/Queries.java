package io.freshet.state.dynamo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Queries every store class shares. */
final class Queries {

    private Queries() {
    }

    /** All items of one partition key (optionally with a sort-key prefix), paginated. */
    static List<Map<String, AttributeValue>> all(DynamoDbClient db, String table, String pk, String skPrefix, boolean consistent) {
        return all(db, table, null, "PK", "SK", pk, skPrefix, consistent);
    }

    /** All items of one partition key of the table or of index {@code index}, paginated. */
    static List<Map<String, AttributeValue>> all(DynamoDbClient db, String table, String index, String pkName, String skName,
                                                 String pk, String skPrefix, boolean consistent) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(index).consistentRead(index == null && consistent);
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":pk", Items.s(pk));
            if (skPrefix == null) {
                q.keyConditionExpression(pkName + " = :pk");
            } else {
                q.keyConditionExpression(pkName + " = :pk AND begins_with(" + skName + ", :sk)");
                values.put(":sk", Items.s(skPrefix));
            }
            q.expressionAttributeValues(values).exclusiveStartKey(start);
            QueryResponse r = db.query(q.build());
            out.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }
}
