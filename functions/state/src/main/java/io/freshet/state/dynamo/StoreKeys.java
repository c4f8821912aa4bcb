package io.freshet.state.dynamo;

/**
 * The single table's keys. Every access pattern is a GetItem or a Query on one partition key;
 * docs/architecture.md lists them.
 *
 * <pre>
 * item                       PK                          SK
 * asset event                EV#{eventId}                EV
 * asset event history        A#{asset}                   E#{partition}#{time}#{eventId}
 * asset partition state      A#{asset}                   S#{partition}
 * consumer partition state   P#{pipeline}#{partition}    STATE
 * pending input event        P#{pipeline}#{partition}    E#{time}#{eventId}
 * consumed marker (TTL)      C#{pipeline}#{partition}    {eventId}
 * run                        R#{runId}                   RUN      (GSI1 once ended: RUNS#{pipeline} / {createdAt}#{runId};
 *                                                                  GSI2, while active or its end unannounced:
 *                                                                  ACTIVE | ANNOUNCE / {createdAt}#{runId})
 * asset's newest event       A#{asset}                   NEWEST
 * schedule cursor            SCHED                       CURSOR#{pipeline}
 * deployed code version      SCHED                       CODE#{pipeline}
 * S3 listing cursor          LIST#{source}               CURSOR
 * partitions with new input  DIRTY#{pipeline}            P#{partition}
 * overdue asset partition    FRESH                       {asset}#{partition}   ("*" for a whole source)
 * backfill                   BF#{backfillId}             PLAN | ITEM#{pipeline}#{partition}
 * </pre>
 */
final class StoreKeys {

    static final String PK = "PK";
    static final String SK = "SK";
    static final String GSI1 = "GSI1";
    static final String GSI1PK = "GSI1PK";
    static final String GSI1SK = "GSI1SK";
    static final String TTL = "ttl";
    static final String GSI2 = "GSI2";
    static final String GSI2PK = "GSI2PK";
    static final String GSI2SK = "GSI2SK";
    /** GSI2 partitions: runs not yet ended, and ended runs whose end was not yet announced. */
    static final String ACTIVE = "ACTIVE";
    static final String ANNOUNCE = "ANNOUNCE";

    private StoreKeys() {
    }

    static String event(String eventId) {
        return "EV#" + eventId;
    }

    static String asset(String asset) {
        return "A#" + asset;
    }

    static String history(String partition, String time, String eventId) {
        return "E#" + partition + "#" + time + "#" + eventId;
    }

    static String historyPrefix(String partition) {
        return "E#" + partition + "#";
    }

    static String assetState(String partition) {
        return "S#" + partition;
    }

    static String consumer(String pipeline, String partition) {
        return "P#" + pipeline + "#" + partition;
    }

    static String pending(String time, String eventId) {
        return "E#" + time + "#" + eventId;
    }

    static String consumed(String pipeline, String partition) {
        return "C#" + pipeline + "#" + partition;
    }

    static String run(String runId) {
        return "R#" + runId;
    }

    static String runsOf(String pipeline) {
        return "RUNS#" + pipeline;
    }

    /** One partition for the tick's per-pipeline state, read with one query per tick; written rarely (a fire, a deploy). */
    static final String SCHEDULE = "SCHED";
    /** One partition for open freshness violations, few and rarely written. */
    static final String FRESHNESS = "FRESH";

    static String dirty(String pipeline) {
        return "DIRTY#" + pipeline;
    }


    static String backfill(String backfillId) {
        return "BF#" + backfillId;
    }
}
