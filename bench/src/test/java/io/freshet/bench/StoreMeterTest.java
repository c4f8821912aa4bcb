package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.testkit.LocalDynamo;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/** The meter on DynamoDB Local: what it reports for each transaction, and what AWS bills beyond it. */
class StoreMeterTest {

    static final String TABLE = "meter-test";
    static final String INDEXED = "meter-test-indexed";
    static final StoreMeter METER = new StoreMeter();
    static LocalDynamo dynamo;
    static DynamoDbClient db;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start(List.of(METER));
        db = dynamo.client();
        db.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("PK").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("SK").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH), k -> k.attributeName("SK").keyType(KeyType.RANGE)));
        db.putItem(b -> b.tableName(TABLE).item(item("EV#there", 100)));
        db.createTable(b -> b.tableName(INDEXED).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("PK").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("SK").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("G").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH), k -> k.attributeName("SK").keyType(KeyType.RANGE))
                .globalSecondaryIndexes(g -> g.indexName("GSI").keySchema(k -> k.attributeName("G").keyType(KeyType.HASH))
                        .projection(p -> p.projectionType(ProjectionType.ALL))));
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    @Test
    void aTransactionIsBilledTwoUnitsPerItemUnder1KbWhateverDynamoDbLocalReports() {
        StoreMeter.Reading lone = metered(put("P#lone", 190));
        assertEquals(2.0, lone.writeUnits(), "one transactional put under 1 KB");
        assertEquals(-2.0, lone.transactionAdjustment(), "DynamoDB Local reports 4 for it");

        StoreMeter.Reading checked = metered(check("C#missing"), put("P#new", 190), check("EV#there"));
        assertEquals(6.0, checked.writeUnits(), "a put and two checks, one of a missing item: 2 units each");
        assertEquals(2.0, checked.transactionAdjustment(), "DynamoDB Local reports 4: the items' sizes together, 4 per KB");
    }

    @Test
    void aTransactionsIndexEntriesAreBilledAsAnyWritesAQuarterOfWhatDynamoDbLocalReports() {
        METER.start();
        db.putItem(b -> b.tableName(INDEXED).item(indexed("P#single", "g1", 400)));
        StoreMeter.Reading single = METER.stop();
        assertEquals(2.0, single.writeUnits(), "a single put under 1 KB and its index entry, as DynamoDB Local reports them");

        StoreMeter.Reading created = metered(TransactWriteItem.builder().put(p -> p.tableName(INDEXED).item(indexed("P#run", "g1", 400))).build(),
                put("P#state", 190));
        assertEquals(2.0 + 2.0 + 1.0, created.writeUnits(), "two items in a transaction, 2 each; the index entry of one, 1");
        assertEquals(-3.0, created.indexAdjustment(), "DynamoDB Local reports 4 for the entry");

        StoreMeter.Reading moved = metered(TransactWriteItem.builder().update(u -> u.tableName(INDEXED)
                .key(Map.of("PK", s("P#run"), "SK", s("x"))).updateExpression("SET G = :g").expressionAttributeValues(Map.of(":g", s("g2")))).build());
        assertEquals(2.0 + 2.0, moved.writeUnits(), "the item, 2; its entry moved in the index (deleted and put), 2");
        assertEquals(-6.0, moved.indexAdjustment(), "DynamoDB Local reports 8 for the move");

        StoreMeter.Reading big = metered(TransactWriteItem.builder().put(p -> p.tableName(INDEXED).item(indexed("P#big", "g1", 1500))).build());
        assertEquals(4.0 + 2.0, big.writeUnits(), "an item of 2 started KB: 4 in a transaction, its entry 2");
    }

    @Test
    void eachItemIsRoundedUpToItsOwnKilobytes() {
        StoreMeter.Reading big = metered(check("EV#there"), put("P#big", 1500));
        assertEquals(6.0, big.writeUnits(), "a check of an item under 1 KB (2) and a put of 2 started KB (4)");
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .transactItems(check("A"), put("B", 1024), put("C", 1025), put("D", 3000)).build();
        assertEquals(2 + 2 + 4 + 6, StoreMeter.awsTableUnits(request));
    }

    @Test
    void aReadIsBilledAtLeastAwssMinimumEvenWhenItFindsNothing() {
        METER.start();
        db.query(b -> b.tableName(TABLE).consistentRead(true).keyConditionExpression("PK = :p")
                .expressionAttributeValues(Map.of(":p", s("P#nobody"))));
        StoreMeter.Reading emptyQuery = METER.stop();
        assertEquals(1.0, emptyQuery.readUnits(), "a consistent query that finds nothing");
        assertEquals(1.0, emptyQuery.readAdjustment(), "DynamoDB Local reports 0 for it");

        METER.start();
        db.getItem(b -> b.tableName(TABLE).key(Map.of("PK", s("P#nobody"), "SK", s("x"))));
        assertEquals(0.5, METER.stop().readUnits(), "an eventually consistent get of a missing item");

        METER.start();
        db.getItem(b -> b.tableName(TABLE).consistentRead(true).key(Map.of("PK", s("EV#there"), "SK", s("x"))));
        StoreMeter.Reading found = METER.stop();
        assertEquals(1.0, found.readUnits(), "a consistent get of an item under 4 KB");
        assertEquals(0.0, found.readAdjustment(), "as DynamoDB Local reports it");
    }

    @Test
    void aSingleWriteWhoseConditionFailsIsBilledAsTheWriteItBlocked() {
        METER.start();
        assertThrows(ConditionalCheckFailedException.class, () -> db.putItem(b -> b.tableName(TABLE).item(item("EV#there", 300))
                .conditionExpression("attribute_not_exists(PK)")));
        assertThrows(ConditionalCheckFailedException.class, () -> db.putItem(b -> b.tableName(TABLE).item(item("EV#there", 1500))
                .conditionExpression("attribute_not_exists(PK)")));
        assertThrows(ConditionalCheckFailedException.class, () -> db.deleteItem(b -> b.tableName(TABLE)
                .key(Map.of("PK", s("EV#there"), "SK", s("x"))).conditionExpression("attribute_not_exists(PK)")));
        StoreMeter.Reading failed = METER.stop();
        assertEquals(1 + 2 + 1, failed.writeUnits(), "a put under 1 KB, one of 2 started KB, a delete");
        assertEquals(4.0, failed.failedConditionUnits());
        assertEquals(3, failed.totalCalls());

        METER.start();
        db.putItem(b -> b.tableName(TABLE).item(item("P#fresh", 300)).conditionExpression("attribute_not_exists(PK)"));
        StoreMeter.Reading succeeded = METER.stop();
        assertEquals(1.0, succeeded.writeUnits(), "as DynamoDB Local reports it");
        assertEquals(0.0, succeeded.failedConditionUnits());
    }

    private static StoreMeter.Reading metered(TransactWriteItem... items) {
        METER.start();
        db.transactWriteItems(b -> b.transactItems(items));
        StoreMeter.Reading r = METER.stop();
        assertEquals(1, r.totalCalls());
        return r;
    }

    private static TransactWriteItem check(String pk) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(TABLE).key(Map.of("PK", s(pk), "SK", s("x")))
                .conditionExpression("attribute_not_exists(PK) OR attribute_exists(PK)")).build();
    }

    private static TransactWriteItem put(String pk, int bytes) {
        return TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(item(pk, bytes))).build();
    }

    /** An item of exactly {@code bytes} by DynamoDB's rule: names and values in UTF-8. */
    private static Map<String, AttributeValue> item(String pk, int bytes) {
        int keys = "PK".length() + pk.length() + "SK".length() + 1;
        return Map.of("PK", s(pk), "SK", s("x"), "v", s("a".repeat(bytes - keys - 1)));
    }

    /** An item of {@code bytes} in the indexed table, on the index under {@code key}. */
    private static Map<String, AttributeValue> indexed(String pk, String key, int bytes) {
        int keys = "PK".length() + pk.length() + "SK".length() + 1 + "G".length() + key.length();
        return Map.of("PK", s(pk), "SK", s("x"), "G", s(key), "v", s("a".repeat(bytes - keys - 1)));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
