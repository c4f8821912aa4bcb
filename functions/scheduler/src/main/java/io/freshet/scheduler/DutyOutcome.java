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

    /** Runs the sweep announced again, retried or finished. */
    record RunsSwept(int resent) implements DutyOutcome {
    }
}
