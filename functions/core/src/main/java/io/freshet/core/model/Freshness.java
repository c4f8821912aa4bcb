package io.freshet.core.model;

import java.time.Duration;

import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.Values;

/**
 * How fresh an asset must be. It alerts when violated and, for a pipeline with no other trigger,
 * it is the trigger: the pipeline runs in time to meet it, and only when an input has new data.
 */
public sealed interface Freshness permits Freshness.MaxLag, Freshness.Deadline {

    SourcePos pos();

    String describe();

    /** New input data must be reflected in the asset within {@code maxLag}. */
    record MaxLag(Duration maxLag, SourcePos pos) implements Freshness {
        @Override
        public String describe() {
            return "within " + Values.formatDuration(maxLag) + " of new input data";
        }
    }

    /** At each {@code deadline} tick, the asset must hold data at most {@code lag} older than the tick. */
    record Deadline(Schedule deadline, Duration lag, SourcePos pos) implements Freshness {
        @Override
        public String describe() {
            return "by " + deadline.describe() + (lag.isZero() ? "" : " with lag " + Values.formatDuration(lag));
        }
    }
}
