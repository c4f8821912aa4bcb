package io.freshet.scheduler;

/** What one duty did in one tick; {@link SchedulerService} adds them up into the tick's report and log line. */
sealed interface DutyOutcome {

    /** Runs requested (requests added to a pending set; a request answered already is not counted). */
    record RunsRequested(int runs) implements DutyOutcome {
    }

    /**
     * Freshness judged: asset partitions found overdue (a metric every tick), violations raised
     * ({@code Asset Overdue}) and violations ended ({@code Asset Fresh Again}) by this tick.
     */
    record FreshnessJudged(int overdue, int raised, int recovered) implements DutyOutcome {
    }

    /** Observed sources: observations made, changes recorded (one asset event each), observations that failed. */
    record SourcesObserved(int observed, int changed, int failed) implements DutyOutcome {
    }

    /** Runs the sweep announced again, retried or finished. */
    record RunsSwept(int resent) implements DutyOutcome {
    }
}
