package io.freshet.aws;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.RunAnnouncer;

/**
 * Where the functions announce what they decided: EventBridge in AWS, the in-process bus locally.
 * The run protocol's announcements ({@link RunAnnouncer}) go out as the JSON {@link EventJson} writes.
 */
@FunctionalInterface
public interface Announcer extends RunAnnouncer {
    void announce(String detailType, String detailJson);

    @Override
    default void runRequested(Run run) {
        announce(EventJson.RUN_REQUESTED, EventJson.runRequested(run));
    }

    @Override
    default void outputsStaged(Run run, int attempt) {
        announce(EventJson.RUN_OUTPUTS_STAGED, EventJson.outputsStaged(run, attempt));
    }

    @Override
    default void runEnded(Run run, RunState outcome, String reason) {
        String type = switch (outcome) {
            case SUCCEEDED -> EventJson.RUN_SUCCEEDED;
            case SKIPPED -> EventJson.RUN_SKIPPED;
            case FAILED -> EventJson.RUN_FAILED;
            default -> throw new IllegalArgumentException("a run ends SUCCEEDED, FAILED or SKIPPED, not " + outcome);
        };
        announce(type, EventJson.runFinished(run, reason));
    }

    @Override
    default void assetUpdated(AssetEvent event) {
        announce(EventJson.ASSET_UPDATED, EventJson.assetUpdated(event));
    }
}
