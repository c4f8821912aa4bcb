package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * S3Proxy (its own relocated Jetty 12.1) and DynamoDB Local (Jetty 12.0) in one JVM, as the
 * functions' tests and the local stack run them: an S3 write's event recorded in DynamoDB.
 */
class LocalS3WithLocalDynamoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bothRunTogetherInEitherStartOrder() throws Exception {
        try (LocalDynamo dynamo = LocalDynamo.start(); LocalS3 s3 = LocalS3.start()) {
            exercise(dynamo, s3);
        }
        try (LocalS3 s3 = LocalS3.start(); LocalDynamo dynamo = LocalDynamo.start()) {
            exercise(dynamo, s3);
        }
    }

    @Test
    void closingOneLeavesTheOtherWorking() throws Exception {
        try (LocalDynamo dynamo = LocalDynamo.start()) {
            try (LocalS3 s3 = LocalS3.start()) {
                exercise(dynamo, s3);
            }
            assertTrue(dynamo.client().listTables().tableNames().contains("events"));
            try (LocalS3 s3 = LocalS3.start()) {
                s3.createBucket("again");
                s3.client().putObject(r -> r.bucket("again").key("k"), RequestBody.fromString("v"));
                assertEquals("v", s3.client().getObjectAsBytes(r -> r.bucket("again").key("k")).asUtf8String());
            }
        }
    }

    /** Writes an object; its Object Created event lands in a table; both are read back. */
    @SuppressWarnings("unchecked") // the SDK's builders take Consumer<Builder>... varargs
    private static void exercise(LocalDynamo dynamo, LocalS3 s3) throws Exception {
        dynamo.client().createTable(r -> r.tableName("events").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
        List<String> events = new CopyOnWriteArrayList<>();
        s3.onObjectCreated(events::add);
        s3.onObjectCreated(event -> dynamo.client().putItem(r -> r.tableName("events").item(Map.of(
                "pk", AttributeValue.fromS(key(event)), "event", AttributeValue.fromS(event)))));

        s3.createBucket("lake");
        s3.client().putObject(r -> r.bucket("lake").key("landing/taps/date=2026-05-26/a b.csv"), RequestBody.fromString("id\n1\n"));

        assertEquals(1, events.size());
        var item = dynamo.client().getItem(r -> r.tableName("events").consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("landing/taps/date=2026-05-26/a b.csv")))).item();
        assertEquals(events.get(0), item.get("event").s());
        assertEquals("id\n1\n", s3.client().getObjectAsBytes(r -> r.bucket("lake").key("landing/taps/date=2026-05-26/a b.csv")).asUtf8String());
    }

    private static String key(String event) {
        try {
            JsonNode e = JSON.readTree(event);
            return URLDecoder.decode(e.get("detail").get("object").get("key").asText(), StandardCharsets.UTF_8);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
