package io.freshet.state;

import java.time.Clock;

import org.junit.jupiter.api.Nested;

/**
 * Every contract, once per implementation: a subclass says which by the stores it makes
 * ({@link MemoryStateStoreTest}, {@link DynamoStateStoreTest}), and inherits all the contracts' cases,
 * so that a contract added here runs against both and neither can be forgotten.
 */
abstract class StateStoreContracts {

    /** A fresh, empty store on {@code clock}, sharing nothing with the stores made before it. */
    abstract StateStore store(Clock clock);

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
