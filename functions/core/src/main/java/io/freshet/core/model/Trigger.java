package io.freshet.core.model;

import java.util.Optional;

import io.freshet.core.condition.Condition;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.TextSpan;

/**
 * When a pipeline runs: on a schedule, when a condition over its inputs holds, or both (at each
 * tick, if the condition holds over what changed since the last run). {@code catchup} and
 * {@code maxCatchup} bound how many missed ticks run after an outage.
 */
public record Trigger(Optional<Schedule> schedule, Optional<Condition> condition, boolean catchup, int maxCatchup,
                      SourcePos pos, Optional<TextSpan> conditionSpan) {

    public static Trigger manual(SourcePos pos) {
        return new Trigger(Optional.empty(), Optional.empty(), false, 0, pos, Optional.empty());
    }

    /** Where asset {@code a} of the condition was written. */
    public SourcePos positionOf(Condition.Asset a) {
        return conditionSpan.map(s -> s.at(a.offset())).orElse(pos);
    }

    public static final int DEFAULT_MAX_CATCHUP = 24;

    public String describe() {
        if (schedule.isPresent() && condition.isPresent()) {
            return "at " + schedule.get().describe() + " if " + condition.get().text();
        }
        if (schedule.isPresent()) {
            return "at " + schedule.get().describe();
        }
        return condition.map(c -> "when " + c.text()).orElse("manual");
    }
}
