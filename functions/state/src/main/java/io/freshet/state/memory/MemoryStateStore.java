package io.freshet.state.memory;

import java.time.Clock;

import io.freshet.state.Backfills;
import io.freshet.state.ConsumerStates;
import io.freshet.state.EventLog;
import io.freshet.state.ListingCursors;
import io.freshet.state.Runs;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;

/**
 * Freshet's state in memory, with the DynamoDB adapter's semantics: conditional writes, writes
 * that are one transaction there are all-or-nothing here, runs fenced by attempt and lease,
 * idempotent follow-ups, times kept to the microsecond as the table keeps them. Every operation
 * holds one lock over the whole state, which makes each one atomic and the store thread-safe. For
 * tests and embedded use; it keeps nothing across restarts.
 */
public final class MemoryStateStore implements StateStore {

    private final MemoryEventLog events;
    private final MemoryConsumerStates consumers;
    private final MemoryRuns runs;
    private final MemoryScheduleState schedule;
    private final MemoryBackfills backfills;
    private final MemoryListingCursors listings;

    public MemoryStateStore(Clock clock) {
        Tables tables = new Tables(clock);
        this.events = new MemoryEventLog(tables);
        this.consumers = new MemoryConsumerStates(tables);
        this.runs = new MemoryRuns(tables, events);
        this.schedule = new MemoryScheduleState(tables);
        this.backfills = new MemoryBackfills(tables);
        this.listings = new MemoryListingCursors();
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
