package io.freshet.scheduler;

/**
 * One thing the minute tick does (its duties: {@link CodeChangeDuty}, {@link CronDuty},
 * {@link LazyLaunchDuty}, {@link FreshnessDuty}, {@link SweepDuty}). A duty is idempotent: a
 * repeated, late or concurrent tick changes nothing that one tick did not, and what a failed duty
 * left undone is done by the next tick. It receives the store objects it uses in its constructor.
 */
interface TickDuty {

    /**
     * Does this duty's work for {@code tick}: for the pipelines {@link Tick#pipelines()} names (a
     * duty that is run per pipeline is given a tick narrowed to one) or for the whole project.
     *
     * @throws RuntimeException when it could not; {@link SchedulerService} logs and counts it and goes on
     */
    DutyOutcome run(Tick tick);
}
