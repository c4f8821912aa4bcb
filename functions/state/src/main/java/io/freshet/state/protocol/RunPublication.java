package io.freshet.state.protocol;

import java.util.List;

import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.Runs;
import io.freshet.state.StateStore;
import io.freshet.state.StoreException;
import io.freshet.state.StoredEvent;

/**
 * The end of a run whose output events are recorded (all of them, in one transaction with the
 * attempt's fence: {@link Runs#recordOutputs}): each event's follow-ups re-applied,
 * every event not yet announced announced, then the run SUCCEEDED and its end announced.
 *
 * <p>Recording the outputs is the run's commit point: from then on consumers may use them, so
 * the run can only succeed. The attempt that recorded them normally does this at once; when it
 * died or stalled after recording, the sweep (on the expired lease) or the next attempt does it,
 * whatever retries are left, and computes nothing again. Every step is idempotent: an event
 * announced twice carries the same id and JSON, and only one finish holds the fence.
 */
public final class RunPublication {

    private final StateStore store;
    private final RunAnnouncer announcer;
    private final RunLauncher launcher;

    public RunPublication(StateStore store, RunAnnouncer announcer, RunLauncher launcher) {
        this.store = store;
        this.announcer = announcer;
        this.launcher = launcher;
    }

    /**
     * Finishes the publication of {@code outputEvents} under {@code attempt}.
     *
     * @return false when {@code attempt} no longer holds the run (another attempt or the sweep
     *         finished it): the run's end was not written, nor announced, by this call
     */
    public boolean complete(Run run, int attempt, List<String> outputEvents, String reason) {
        for (String id : outputEvents) {
            StoredEvent e = store.events().stored(id)
                    .orElseThrow(() -> new StoreException("run " + run.runId() + " lists output event " + id + ", which is not recorded", null));
            store.events().applyFollowUps(e.event());
            if (!e.announced()) {
                announcer.assetUpdated(e.event());
                store.events().markAnnounced(id);
            }
        }
        if (!store.runs().finish(run.runId(), attempt, RunState.SUCCEEDED, reason)) {
            return false;
        }
        launcher.announceEnd(run, RunState.SUCCEEDED, reason);
        return true;
    }
}
