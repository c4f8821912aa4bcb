package io.freshet.state.protocol;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/**
 * Where the run protocol announces what it decided: the Freshet bus in AWS (functions/aws's
 * Announcer, which writes each event's JSON), the in-process bus locally, a list in tests. An
 * announcement may be repeated (at-least-once): the same run or event carries the same id.
 */
public interface RunAnnouncer {

    /** {@code Run Requested} for the run's current attempt. */
    void runRequested(Run run);

    /** {@code Run Outputs Staged}: the attempt's outputs await the publisher (the run is PUBLISHING). */
    void outputsStaged(Run run, int attempt);

    /** {@code Run Succeeded}, {@code Run Failed} or {@code Run Skipped}. */
    void runEnded(Run run, RunState outcome, String reason);

    /** {@code Asset Updated}: a recorded event, now visible to consumers. */
    void assetUpdated(AssetEvent event);
}
