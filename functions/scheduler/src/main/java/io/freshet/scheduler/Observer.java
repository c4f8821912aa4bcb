package io.freshet.scheduler;

import io.freshet.core.model.Observation;

/** Reads an observed source's current value ({@link PgObserver} on PostgreSQL). */
@FunctionalInterface
interface Observer {

    /**
     * The value now: equal text means no change.
     *
     * @throws ObservationException when it could not be read (the tick reports it and retries next tick)
     */
    String observe(Observation observation);
}
