package io.freshet.state.memory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.StagedOutputs;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.state.StoredBackfill;
import io.freshet.state.DeployedCode;
import io.freshet.state.DirtyPartition;
import io.freshet.state.Violation;

/**
 * The whole in-memory state, guarded by its own monitor: every aggregate synchronizes on it, so
 * that writes spanning aggregates (a run's creation, its outputs, its end) are atomic. Keys sort as
 * the table's sort keys do, so that reads list in the same order.
 */
final class Tables {

    private static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    final Clock clock;

    /** Event id to the event, once recorded. */
    final Map<String, EventEntry> events = new HashMap<>();
    /** Asset to its history, keyed {@code partition#time#eventId} as the table's sort key. */
    final Map<String, TreeMap<String, AssetEvent>> history = new HashMap<>();
    /** Asset to partition to its state. */
    final Map<String, TreeMap<String, StateEntry>> partitionStates = new HashMap<>();
    final Map<String, StateEntry> newest = new HashMap<>();

    /** {@code pipeline#partition} to the consumer partition. */
    final Map<String, Consumer> consumers = new HashMap<>();
    /** {@code pipeline#partition} to consumed event id to the run that consumed it. */
    final Map<String, Map<String, String>> consumed = new HashMap<>();

    final Map<String, RunEntry> runs = new HashMap<>();

    final TreeMap<String, Instant> cursors = new TreeMap<>();
    final TreeMap<String, DeployedCode> code = new TreeMap<>();
    final Map<String, TreeMap<String, DirtyPartition>> dirty = new HashMap<>();
    /** {@code asset#partition} to its violation. */
    final TreeMap<String, Violation> violations = new TreeMap<>();

    final Map<String, StoredBackfill> backfills = new HashMap<>();
    /** {@code backfillId#pipeline#partition} to the item. */
    final Map<String, BackfillItem> backfillItems = new HashMap<>();

    Tables(Clock clock) {
        this.clock = clock;
    }

    /** Now, as the table would store it. */
    Instant now() {
        return micros(clock.instant());
    }

    /** The table keeps times to the microsecond; what it returns is truncated so. */
    static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /** Fixed-width times, which sort as text as the table's keys do. */
    static String sortable(Instant t) {
        return SORTABLE.format(t);
    }

    static String key(String... parts) {
        return String.join("#", parts);
    }

    /** What a consumer partition's runs consumed: event id to run id (empty before the first). */
    Map<String, String> consumedOf(String pipeline, String partition) {
        return consumed.getOrDefault(key(pipeline, partition), Map.of());
    }

    /** A recorded event; {@code runId} for a run's outputs. */
    static final class EventEntry {
        final AssetEvent event;
        final String runId;
        boolean announced;
        /** Recorded by recordAnnouncing: announced again on each redelivery. */
        boolean announcing;

        EventEntry(AssetEvent event, String runId) {
            this.event = event;
            this.runId = runId;
        }
    }

    /** A partition's state or an asset's newest event, with the order it moves forward by. */
    record StateEntry(AssetEvent event, Instant time, String order) {
    }

    /** A consumer partition: its state (absent before its first run) and its pending set. */
    static final class Consumer {
        boolean hasState;
        long version;
        String activeRun;
        String lastRun;
        boolean cleaned = true;
        /** Keyed {@code time#eventId} as the table's sort key, so oldest first. */
        final TreeMap<String, PendingEvent> pending = new TreeMap<>();
    }

    /** A run as the table keeps it, with what only the store needs (pending keys, outputs, which sweeper list it is on). */
    static final class RunEntry {
        final String runId;
        final String pipeline;
        final String partition;
        final String reason;
        final List<String> consumed;
        final List<String> pendingKeys;
        final Instant createdAt;
        final Optional<Instant> oldestInput;
        RunState state = RunState.QUEUED;
        Instant updatedAt;
        boolean announced;
        int attempt;
        Instant leaseUntil;
        Instant retryAt;
        String lastError;
        String finishReason;
        List<String> outputEvents;
        Map<String, String> inputVersions;
        String codeVersion;
        /** What an attempt staged for the publisher (PUBLISHING), once it did. */
        StagedOutputs staged;
        /** The sweeper's list it is on (GSI2): {@code ACTIVE}, {@code ANNOUNCE}, or none. */
        String sweepList = ACTIVE;

        RunEntry(String runId, String pipeline, String partition, String reason, List<String> consumed, List<String> pendingKeys,
                 Instant createdAt, Optional<Instant> oldestInput) {
            this.runId = runId;
            this.pipeline = pipeline;
            this.partition = partition;
            this.reason = reason;
            this.consumed = List.copyOf(consumed);
            this.pendingKeys = List.copyOf(pendingKeys);
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
            this.oldestInput = oldestInput;
        }

        /** How the table's indexes order runs: by creation, then id. */
        String indexKey() {
            return sortable(createdAt) + "#" + runId;
        }

        Run toRun() {
            return new Run(runId, pipeline, partition, state, reason, consumed, createdAt, updatedAt, announced, attempt,
                    Optional.ofNullable(leaseUntil), Optional.ofNullable(retryAt), oldestInput, Optional.ofNullable(finishReason));
        }
    }

    static final String ACTIVE = "ACTIVE";
    static final String ANNOUNCE = "ANNOUNCE";

    static final class BackfillItem {
        Integer round;
        String runId;
    }
}
