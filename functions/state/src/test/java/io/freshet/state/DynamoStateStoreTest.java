package io.freshet.state;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;

/** Every contract once against DynamoDB Local: the adapter behaves as the in-memory implementation does. */
class DynamoStateStoreTest {

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

    static StateStore store(Clock clock) {
        String table = "state-" + TABLES.incrementAndGet();
        DynamoStateStore.createTable(dynamo.client(), table);
        return new DynamoStateStore(dynamo.client(), table, clock);
    }

    @Nested
    class Events extends EventLogContract {
        @Override
        protected StateStore newStore(Clock clock) {
            return store(clock);
        }
    }

    @Nested
    class Consumers extends ConsumerStatesContract {
        @Override
        protected StateStore newStore(Clock clock) {
            return store(clock);
        }
    }

    @Nested
    class RunItems extends RunsContract {
        @Override
        protected StateStore newStore(Clock clock) {
            return store(clock);
        }
    }

    @Nested
    class Schedule extends ScheduleStateContract {
        @Override
        protected StateStore newStore(Clock clock) {
            return store(clock);
        }
    }

    @Nested
    class BackfillItems extends BackfillsContract {
        @Override
        protected StateStore newStore(Clock clock) {
            return store(clock);
        }
    }

    @Nested
    class Protocol extends RunProtocolContract {
        @Override
        protected StateStore newStore(Clock clock) {
            return store(clock);
        }
    }

    @Nested
    class Listings extends ListingCursorsContract {
        @Override
        protected StateStore newStore(Clock clock) {
            return store(clock);
        }
    }
}
