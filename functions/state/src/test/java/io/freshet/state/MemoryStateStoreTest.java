package io.freshet.state;

import java.time.Clock;

import io.freshet.state.memory.MemoryStateStore;

/** Every contract against the in-memory implementation: the fast run. */
class MemoryStateStoreTest extends StateStoreContracts {

    @Override
    StateStore store(Clock clock) {
        return new MemoryStateStore(clock);
    }
}
