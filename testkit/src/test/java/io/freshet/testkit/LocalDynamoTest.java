package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** DynamoDB Local through the real SDK client over HTTP. */
@SuppressWarnings("unchecked") // the SDK\'s builders take Consumer<Builder>... varargs
class LocalDynamoTest {

    private static LocalDynamo dynamo;
    private static DynamoDbClient client;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        client = dynamo.client();
        createTable(client, "state");
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    private static void createTable(DynamoDbClient c, String name) {
        c.createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
    }

    private static Map<String, AttributeValue> item(String pk, String sk, String value) {
        return Map.of("pk", s(pk), "sk", s(sk), "value", s(value));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    @Test
    void listensOnLoopback() {
        assertEquals("127.0.0.1", dynamo.endpoint().getHost());
        assertTrue(client.listTables().tableNames().contains("state"));
    }

    @Test
    void aConditionalPutOfAnExistingKeyIsRejected() {
        client.putItem(r -> r.tableName("state").item(item("run#1", "meta", "first")).conditionExpression("attribute_not_exists(pk)"));
        assertThrows(ConditionalCheckFailedException.class, () -> client.putItem(r -> r.tableName("state")
                .item(item("run#1", "meta", "second")).conditionExpression("attribute_not_exists(pk)")));
        assertEquals("first", client.getItem(r -> r.tableName("state").key(Map.of("pk", s("run#1"), "sk", s("meta")))).item().get("value").s());
    }

    @Test
    void transactWriteItemsIsAllOrNothingWithCancellationReasons() {
        client.putItem(r -> r.tableName("state").item(item("cursor#p", "c", "v1")));
        TransactWriteItem newRun = TransactWriteItem.builder().put(p -> p.tableName("state").item(item("run#2", "meta", "created"))
                .conditionExpression("attribute_not_exists(pk)")).build();
        TransactWriteItem staleCursor = TransactWriteItem.builder().update(u -> u.tableName("state")
                .key(Map.of("pk", s("cursor#p"), "sk", s("c")))
                .updateExpression("SET #v = :new").conditionExpression("#v = :expected")
                .expressionAttributeNames(Map.of("#v", "value"))
                .expressionAttributeValues(Map.of(":new", s("v2"), ":expected", s("v0")))).build();

        TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                () -> client.transactWriteItems(r -> r.transactItems(newRun, staleCursor)));
        assertEquals(List.of("None", "ConditionalCheckFailed"), e.cancellationReasons().stream().map(CancellationReason::code).toList());
        assertFalse(client.getItem(r -> r.tableName("state").key(Map.of("pk", s("run#2"), "sk", s("meta")))).hasItem(),
                "the first write did not happen either");
        assertEquals("v1", client.getItem(r -> r.tableName("state").key(Map.of("pk", s("cursor#p"), "sk", s("c")))).item().get("value").s());
    }

    @Test
    void twoInstancesRunAtOnceEachWithItsOwnTables() {
        try (LocalDynamo other = LocalDynamo.start()) {
            assertNotEquals(dynamo.endpoint(), other.endpoint());
            createTable(other.client(), "only-in-other");
            assertEquals(List.of("only-in-other"), other.client().listTables().tableNames());
            assertFalse(client.listTables().tableNames().contains("only-in-other"));
            assertTrue(client.listTables().tableNames().contains("state"));
        }
        assertTrue(client.listTables().tableNames().contains("state"), "closing one leaves the other running");
    }

    @Test
    void clientsWithOtherCredentialsAndRegionsSeeTheSameTables() {
        try (DynamoDbClient stranger = DynamoDbClient.builder().endpointOverride(dynamo.endpoint())
                .httpClient(UrlConnectionHttpClient.create()).region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("someone", "else"))).build()) {
            assertTrue(stranger.listTables().tableNames().contains("state"));
        }
    }
}
