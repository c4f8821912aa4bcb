package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.GSI1;
import static io.freshet.state.dynamo.StoreKeys.GSI1PK;
import static io.freshet.state.dynamo.StoreKeys.GSI1SK;
import static io.freshet.state.dynamo.StoreKeys.GSI2;
import static io.freshet.state.dynamo.StoreKeys.GSI2PK;
import static io.freshet.state.dynamo.StoreKeys.GSI2SK;
import static io.freshet.state.dynamo.StoreKeys.PK;
import static io.freshet.state.dynamo.StoreKeys.SK;

import java.time.Clock;

import io.freshet.state.Backfills;
import io.freshet.state.ConsumerStates;
import io.freshet.state.EventLog;
import io.freshet.state.ListingCursors;
import io.freshet.state.Runs;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Freshet's state in one DynamoDB table ({@link StoreKeys} lists its items): asset events, asset
 * state, consumer pending sets, consumed markers, runs, the tick's state and backfills. Every write
 * that must happen once is conditional, and every step that must be atomic is one transaction;
 * docs/architecture.md explains the protocol.
 */
public final class DynamoStateStore implements StateStore {

    private final DynamoEventLog events;
    private final DynamoConsumerStates consumers;
    private final DynamoRuns runs;
    private final DynamoScheduleState schedule;
    private final DynamoBackfills backfills;
    private final DynamoListingCursors listings;

    public DynamoStateStore(DynamoDbClient db, String table, Clock clock) {
        Table t = new Table(db, table, clock);
        this.events = new DynamoEventLog(t);
        this.consumers = new DynamoConsumerStates(t);
        this.runs = new DynamoRuns(t, events, consumers);
        this.schedule = new DynamoScheduleState(t);
        this.backfills = new DynamoBackfills(t);
        this.listings = new DynamoListingCursors(t);
    }

    /** Creates the table as template.yaml declares it; for local stacks and tests. */
    public static void createTable(DynamoDbClient db, String table) {
        db.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr(PK), attr(SK), attr(GSI1PK), attr(GSI1SK), attr(GSI2PK), attr(GSI2SK))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(GSI1)
                                .keySchema(key(GSI1PK, KeyType.HASH), key(GSI1SK, KeyType.RANGE))
                                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build(),
                        GlobalSecondaryIndex.builder().indexName(GSI2)
                                .keySchema(key(GSI2PK, KeyType.HASH), key(GSI2SK, KeyType.RANGE))
                                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
        db.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public ConsumerStates consumers() {
        return consumers;
    }

    @Override
    public Runs runs() {
        return runs;
    }

    @Override
    public ScheduleState schedule() {
        return schedule;
    }

    @Override
    public Backfills backfills() {
        return backfills;
    }

    @Override
    public ListingCursors listings() {
        return listings;
    }
}
