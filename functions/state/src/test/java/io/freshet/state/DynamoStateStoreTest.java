package io.freshet.state;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;

/** Every contract once against DynamoDB Local: the adapter behaves as the in-memory implementation does. */
class DynamoStateStoreTest extends StateStoreContracts {

    private static LocalDynamo dynamo;
    private static final AtomicInteger TABLES = new AtomicInteger();

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    /** On a table of its own: the tables of one DynamoDB Local outlive each test. */
    @Override
    StateStore store(Clock clock) {
        String table = "state-" + TABLES.incrementAndGet();
        DynamoStateStore.createTable(dynamo.client(), table);
        return new DynamoStateStore(dynamo.client(), table, clock);
    }
}
