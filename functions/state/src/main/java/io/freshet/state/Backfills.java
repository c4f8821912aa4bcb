package io.freshet.state;

import java.util.Optional;

/** Backfills, kept so that they can be resumed by id, and what each of their items did so far. */
public interface Backfills {

    /** Records a backfill; false when the id exists already. */
    boolean create(StoredBackfill b);

    Optional<StoredBackfill> find(String backfillId);

    /** How many times a backfill item was requested again after failing (0 at first). */
    int round(String backfillId, String pipeline, String partition);

    void setRound(String backfillId, String pipeline, String partition, int round);

    /** The run a backfill item adopted: one its pipeline's own trigger created for the upstream's new data. */
    Optional<String> adoptedRun(String backfillId, String pipeline, String partition);

    void setAdoptedRun(String backfillId, String pipeline, String partition, Optional<String> runId);
}
