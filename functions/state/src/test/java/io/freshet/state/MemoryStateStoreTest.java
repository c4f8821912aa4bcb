package io.freshet.state;

import java.time.Clock;

import org.junit.jupiter.api.Nested;

import io.freshet.state.memory.MemoryStateStore;

/** Every contract against the in-memory implementation: the fast run. */
class MemoryStateStoreTest {

    static StateStore store(Clock clock) {
        return new MemoryStateStore(clock);
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
