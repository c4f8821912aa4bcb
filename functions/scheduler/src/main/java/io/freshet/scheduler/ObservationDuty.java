package io.freshet.scheduler;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.model.Observation;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;

/**
 * Observed sources ({@code observe:}, docs/architecture.md "Observed sources"): for each source
 * whose {@code every} has passed since its last observation, reads its value and, when it
 * changed, records one asset event of the source and announces {@code Asset Updated}, so that its
 * consumers run within the tick.
 *
 * <p>When each was last observed is a cursor in the {@code SCHED} partition,
 * {@code CURSOR#observe:{source}} (read with every other cursor at the tick's start), moved only
 * after the observation succeeded: a failed observation is retried by the next tick. A failure is
 * the source's, not the tick's: it is logged as an error, announced as {@code Observation Failed}
 * and counted in the {@code Freshet/ObservationFailures} metric, and the other sources are still
 * observed; the tick itself does not fail for it (a database down for an hour would otherwise
 * make every tick of that hour an error, and the tick's own alarm meaningless).
 */
final class ObservationDuty implements TickDuty {

    public static final String OBSERVATION_FAILED = "Observation Failed";
    static final String CURSOR_PREFIX = "observe:";

    private final List<Observation> observations;
    private final ScheduleState schedule;
    private final Observer observer;
    private final ListingObserver listings;
    private final ObservedChanges changes;
    private final Announcer announcer;
    private final JsonLog log;
    private final String stack;

    ObservationDuty(List<Observation> observations, StateStore store, ScheduleState schedule, Observer observer,
                    ListingObserver listings, Announcer announcer, JsonLog log, String stack) {
        this.observations = observations.stream().sorted(Comparator.comparing(Observation::source)).toList();
        this.schedule = schedule;
        this.observer = observer;
        this.listings = listings;
        this.changes = new ObservedChanges(store.events(), announcer, log);
        this.announcer = announcer;
        this.log = log;
        this.stack = stack;
    }

    @Override
    public DutyOutcome run(Tick tick) {
        Instant minute = tick.now().truncatedTo(ChronoUnit.MINUTES);
        int observed = 0;
        int changed = 0;
        int failed = 0;
        for (Observation o : observations) {
            String cursor = CURSOR_PREFIX + o.source();
            Optional<Instant> last = Optional.ofNullable(tick.state().cursors().get(cursor));
            if (last.isPresent() && minute.isBefore(last.get().plus(o.every()))) {
                continue;
            }
            int recorded;
            try {
                recorded = observe(o, tick.now());
            } catch (ObservationException e) {
                failed++;
                report(o, e, tick.now());
                continue;
            }
            observed++;
            changed += recorded;
            schedule.advanceCursor(cursor, last, minute); // false: a racing tick observed it too, which is as good
        }
        if (!observations.isEmpty()) {
            log.metric(SchedulerService.METRIC_NAMESPACE, "ObservationFailures", failed, "Count", Map.of("Stack", stack));
        }
        return new DutyOutcome.SourcesObserved(observed, changed, failed);
    }

    /**
     * One observation: a PostgreSQL value compared with the last one, or an S3 source's listing;
     * the number of events it recorded. Only the reading (query, listing) fails as the source's.
     */
    private int observe(Observation o, Instant now) {
        if (o instanceof Observation.Listing listing) {
            return listings.observe(listing, now);
        }
        String value = observer.observe(o);
        return changes.apply(o, value, now) ? 1 : 0;
    }

    /** A failed observation, said three ways: the log line, the bus event, the metric (counted by the caller). */
    private void report(Observation o, ObservationException e, Instant now) {
        log.error("observation failed; the next tick tries again", Map.of("source", o.source(), "connection", o.connection(),
                "observation", o.describe(), "kind", e.kind().name().toLowerCase(Locale.ROOT), "reason", e.getMessage()));
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        n.put("source", o.source());
        if (!o.connection().isEmpty()) {
            n.put("connection", o.connection()); // a listing reads its location's bucket, no connection
        }
        n.put("observation", o.describe());
        n.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
        n.put("reason", e.getMessage());
        n.put(o instanceof Observation.Listing ? "errorCode" : "sqlState", e.sqlState()); // S3's error code for a listing
        n.put("time", now.toString());
        try {
            announcer.announce(OBSERVATION_FAILED, EventJson.MAPPER.writeValueAsString(n));
        } catch (RuntimeException | JsonProcessingException announceFailed) {
            // The log line above already reported it; the bus being down must not stop the other observations.
            log.warn("could not announce the failed observation", Map.of("source", o.source(), "error", String.valueOf(announceFailed)));
        }
    }
}
