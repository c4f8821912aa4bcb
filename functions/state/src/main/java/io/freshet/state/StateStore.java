package io.freshet.state;

/**
 * Freshet's state, one aggregate per port. Writes that must happen once are conditional and steps
 * that must be atomic are one transaction in every implementation; docs/architecture.md explains
 * the protocol. Some writes span aggregates (a run's creation moves its consumer partition's state;
 * a run's outputs are recorded with its fence), so the ports of one store share one backing state.
 */
public interface StateStore {

    EventLog events();

    ConsumerStates consumers();

    Runs runs();

    ScheduleState schedule();

    Backfills backfills();

    /** The cursors of observed S3 sources' listings. */
    ListingCursors listings();
}
