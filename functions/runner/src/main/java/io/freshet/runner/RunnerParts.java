package io.freshet.runner;

import java.nio.file.Path;
import java.time.Clock;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.state.StateStore;
import io.freshet.core.location.StackParameters;
import io.freshet.core.load.Project;
import io.freshet.lineage.RunLineage;
import io.freshet.state.protocol.FaultPoints;

/** What the runner's phases work with, built once per runner: each phase takes the parts it needs. */
record RunnerParts(Project project, StateStore store, ObjectStore objects, Announcer announcer, StackParameters parameters,
                   Snapshotter snapshotter, Clock clock, JsonLog log, Path scratch, FaultPoints faults,
                   RunLauncher launcher, RunLineage lineage) {

    /** Where runs write their outputs. */
    String lakeBucket() {
        return parameters.lakeBucket();
    }

    RunnerParts withLineage(RunLineage other) {
        return new RunnerParts(project, store, objects, announcer, parameters, snapshotter, clock, log, scratch, faults,
                launcher, other);
    }
}
