package io.freshet.core.trigger;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.freshet.core.events.Ids;

/**
 * A reason to run that is not an asset event: a schedule tick, a freshness deadline, a code
 * change, a backfill, a manual request. A request joins the consumer partition's pending set like
 * an event does, so it goes through the same exactly-once run creation: its id is deterministic
 * for its cause, a run consumes it, and a consumed request bounces when added again.
 *
 * <p>In the pending set a request is a {@link PendingEvent} whose asset is {@code @kind}, a name
 * no asset can have (asset names are dotted identifiers), and whose partition field carries the
 * request's detail (the fire time, the backfill id, the new code version).
 */
public record Request(Kind kind, String id, String detail, Instant time) {

    public enum Kind {
        TICK, FRESHNESS, CODE_CHANGE, BACKFILL, MANUAL;

        /** The pseudo asset name of this kind in a pending set. */
        public String marker() {
            return "@" + name().toLowerCase(Locale.ROOT);
        }
    }

    public PendingEvent asPending() {
        return new PendingEvent(id, kind.marker(), detail, time);
    }

    /** The request a pending item stands for, if it is one. */
    public static Optional<Request> of(PendingEvent p) {
        if (!isRequest(p)) {
            return Optional.empty();
        }
        for (Kind k : Kind.values()) {
            if (k.marker().equals(p.asset())) {
                return Optional.of(new Request(k, p.eventId(), p.partition(), p.time()));
            }
        }
        throw new IllegalArgumentException("unknown request kind '" + p.asset() + "' of pending item " + p.eventId());
    }

    public static boolean isRequest(PendingEvent p) {
        return p.asset().startsWith("@");
    }

    /** Whether a consumed id names a request rather than an asset event (request ids carry their kind). */
    public static boolean isRequestId(String id) {
        return id.startsWith("rq-");
    }

    // Ids are "rq-<kind>-<hash of the cause>", short, deterministic and never an event id.

    public static Request tick(String pipeline, Instant fire) {
        return new Request(Kind.TICK, id(Kind.TICK, pipeline, fire.toString()), fire.toString(), fire);
    }

    /**
     * A lazily scheduled pipeline's launch for the new input data that starts with event
     * {@code oldestNewEvent}: a repeated tick asks again with the same id, later data with another.
     */
    public static Request freshness(String pipeline, String partition, String oldestNewEvent, String policy, Instant now) {
        return new Request(Kind.FRESHNESS, id(Kind.FRESHNESS, pipeline, partition, oldestNewEvent), policy, now);
    }

    /**
     * A partition's rebuild for the deploy of {@code codeVersion} that the tick noticed at
     * {@code changedAt}: a repeated tick asks again with the same id, the same version deployed again
     * after a revert (noticed at another time) with another. Without {@code changedAt} (a change
     * noticed by an older tick, still being applied) the id is the version's alone, as that tick made it.
     */
    public static Request codeChange(String pipeline, String partition, String codeVersion, Optional<Instant> changedAt, Instant now) {
        String id = changedAt.map(at -> id(Kind.CODE_CHANGE, pipeline, partition, codeVersion, at.toString()))
                .orElseGet(() -> id(Kind.CODE_CHANGE, pipeline, partition, codeVersion));
        return new Request(Kind.CODE_CHANGE, id, codeVersion, now);
    }

    /** One partition's request of a backfill; {@code round} > 0 when a resumed backfill retries a failed partition. */
    public static Request backfill(String backfillId, String pipeline, String partition, int round, Instant now) {
        return backfill(backfillId, pipeline, partition, round, false, now);
    }

    /** As above; a {@code forced} request's run executes even when its inputs and code are unchanged. */
    public static Request backfill(String backfillId, String pipeline, String partition, int round, boolean forced, Instant now) {
        return new Request(Kind.BACKFILL, id(Kind.BACKFILL, forced, backfillId, pipeline, partition, Integer.toString(round)), backfillId, now);
    }

    public static Request manual(String requestId, String pipeline, String partition, Instant now) {
        return manual(requestId, pipeline, partition, false, now);
    }

    /** A person's request; a {@code forced} one's run executes even when its inputs and code are unchanged. */
    public static Request manual(String requestId, String pipeline, String partition, boolean forced, Instant now) {
        return new Request(Kind.MANUAL, id(Kind.MANUAL, forced, requestId, pipeline, partition), requestId, now);
    }

    /**
     * Whether this request forces its run to execute even when inputs and code are unchanged (a
     * {@code --force} of materialize or backfill). The flag lives in the id, so it travels
     * with the request through the pending set into the run's consumed list unchanged.
     */
    public boolean forced() {
        return isForcedId(id);
    }

    /** Whether a consumed id names a forced request. */
    public static boolean isForcedId(String id) {
        return isRequestId(id) && id.contains(FORCED_MARK);
    }

    // A forced request's id is "rq-<kind>-forced-<hash>": the hash is hex, so the mark cannot occur by chance.
    private static final String FORCED_MARK = "-forced-";

    private static String id(Kind kind, String... cause) {
        return id(kind, false, cause);
    }

    private static String id(Kind kind, boolean forced, String... cause) {
        return "rq-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + (forced ? FORCED_MARK : "-")
                + Ids.hash(20, List.of(cause));
    }

    /** In words, for a run's reason. */
    public String describe() {
        return switch (kind) {
            case TICK -> "schedule fired at " + detail;
            case FRESHNESS -> "freshness: to stay fresh " + detail;
            case CODE_CHANGE -> "code version changed to " + detail;
            case BACKFILL -> "backfill " + detail + (forced() ? " (forced)" : "");
            case MANUAL -> "manual request " + detail + (forced() ? " (forced)" : "");
        };
    }
}
