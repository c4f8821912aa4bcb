package io.freshet.state.memory;

import static io.freshet.state.memory.Tables.key;
import static io.freshet.state.memory.Tables.micros;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Request;
import io.freshet.state.ConsumerView;
import io.freshet.state.Runs;
import io.freshet.state.StagedOutputs;
import io.freshet.state.StoreException;
import io.freshet.state.memory.Tables.Consumer;
import io.freshet.state.memory.Tables.RunEntry;

/** Runs in memory, fenced as in the table; see {@link MemoryStateStore}. */
final class MemoryRuns implements Runs {

    private final Tables t;
    private final MemoryEventLog events;

    MemoryRuns(Tables t, MemoryEventLog events) {
        this.t = t;
        this.events = events;
    }

    @Override
    public Optional<Run> tryCreate(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason) {
        synchronized (t) {
            return create(seen, runId, consumed, reason);
        }
    }

    @Override
    public Delivered createOnDelivery(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason, AssetEvent delivered) {
        if (consumed.size() > MAX_CONSUMED_ON_DELIVERY || consumed.stream().noneMatch(p -> p.eventId().equals(delivered.eventId()))) {
            throw new IllegalArgumentException("a run created on delivery consumes the delivered event and at most "
                    + MAX_CONSUMED_ON_DELIVERY + " in all, got " + consumed.size());
        }
        synchronized (t) {
            if (t.consumedOf(seen.pipeline(), seen.partition()).containsKey(delivered.eventId())) {
                return new Delivered.ConsumedAlready();
            }
            Consumer c = t.consumers.get(key(seen.pipeline(), seen.partition()));
            PendingEvent event = PendingEvent.of(delivered);
            if (c != null && c.pending.containsKey(MemoryConsumerStates.pendingKey(event))) {
                return new Delivered.Contended(); // added to the pending set since the partition was read: it waits there
            }
            return create(seen, runId, consumed, reason).<Delivered>map(Delivered.Created::new).orElseGet(Delivered.Contended::new);
        }
    }

    /** The run's creation with its consumption, under the tables' lock. */
    private Optional<Run> create(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason) {
        Instant now = t.clock.instant();
        Optional<Instant> oldestInput = consumed.stream().filter(p -> !Request.isRequest(p)).map(PendingEvent::time).min(Instant::compareTo);
        Consumer c = t.consumers.computeIfAbsent(key(seen.pipeline(), seen.partition()), k -> new Consumer());
        Map<String, String> consumedBefore = t.consumedOf(seen.pipeline(), seen.partition());
        List<PendingEvent> consumedElsewhere = consumed.stream()
                .filter(p -> consumedBefore.containsKey(p.eventId()) && !consumedBefore.get(p.eventId()).equals(runId)).toList();
        if (!consumedElsewhere.isEmpty()) { // as DynamoRuns: another run consumed them; they wait for nothing
            consumedElsewhere.forEach(p -> c.pending.remove(MemoryConsumerStates.pendingKey(p)));
            return Optional.empty();
        }
        boolean unchanged = seen.version() == 0 ? !c.hasState : c.hasState && c.version == seen.version();
        if (t.runs.containsKey(runId) || !unchanged) {
            return Optional.empty(); // another evaluation won
        }
        t.runs.put(runId, new RunEntry(runId, seen.pipeline(), seen.partition(), reason,
                consumed.stream().map(PendingEvent::eventId).toList(), consumed.stream().map(MemoryConsumerStates::pendingKey).toList(),
                micros(now), oldestInput.map(Tables::micros)));
        c.hasState = true;
        c.activeRun = runId;
        c.lastRun = runId;
        c.version = seen.version() + 1;
        Map<String, String> markers = t.consumed.computeIfAbsent(key(seen.pipeline(), seen.partition()), k -> new HashMap<>());
        for (PendingEvent p : consumed) {
            markers.put(p.eventId(), runId);
            c.pending.remove(MemoryConsumerStates.pendingKey(p));
        }
        c.cleaned = true;
        return Optional.of(new Run(runId, seen.pipeline(), seen.partition(), RunState.QUEUED, reason,
                consumed.stream().map(PendingEvent::eventId).toList(), now, now, false, 0, Optional.empty(), Optional.empty(),
                oldestInput, Optional.empty()));
    }

    @Override
    public Optional<Run> run(String runId) {
        synchronized (t) {
            return Optional.ofNullable(t.runs.get(runId)).map(RunEntry::toRun);
        }
    }

    @Override
    public List<Run> of(String pipeline) {
        return select(r -> r.pipeline.equals(pipeline), true);
    }

    @Override
    public List<Run> active() {
        return select(r -> Tables.ACTIVE.equals(r.sweepList), false);
    }

    @Override
    public List<Run> unannouncedEnds() {
        return select(r -> Tables.ANNOUNCE.equals(r.sweepList), false);
    }

    private List<Run> select(Predicate<RunEntry> which, boolean newestFirst) {
        Comparator<RunEntry> byIndex = Comparator.comparing(RunEntry::indexKey);
        synchronized (t) {
            return t.runs.values().stream().filter(which).sorted(newestFirst ? byIndex.reversed() : byIndex).map(RunEntry::toRun).toList();
        }
    }

    @Override
    public void markAnnounced(String runId) {
        synchronized (t) {
            RunEntry r = t.runs.get(runId);
            if (r != null) {
                r.announced = true;
                r.updatedAt = t.now();
            }
        }
    }

    @Override
    public void markEndAnnounced(String runId) {
        synchronized (t) {
            RunEntry r = t.runs.get(runId);
            if (r != null) {
                r.sweepList = null;
            }
        }
    }

    @Override
    public Optional<Integer> startAttempt(String runId, Instant leaseUntil) {
        synchronized (t) {
            Instant now = t.now();
            RunEntry r = t.runs.get(runId);
            boolean startable = r != null && ((r.state == RunState.QUEUED && (r.retryAt == null || !r.retryAt.isAfter(now)))
                    || (r.state == RunState.RUNNING && r.leaseUntil != null && r.leaseUntil.isBefore(now)));
            if (!startable) {
                return Optional.empty(); // already running or done
            }
            r.state = RunState.RUNNING;
            r.leaseUntil = micros(leaseUntil);
            r.updatedAt = now;
            r.attempt++;
            return Optional.of(r.attempt);
        }
    }

    @Override
    public boolean retryLater(String runId, int attempt, Instant retryAt, String error) {
        synchronized (t) {
            RunEntry r = t.runs.get(runId);
            if (!holds(r, attempt)) {
                return false;
            }
            r.state = RunState.QUEUED;
            r.retryAt = micros(retryAt);
            r.lastError = error;
            r.announced = false;
            r.updatedAt = t.now();
            r.leaseUntil = null;
            return true;
        }
    }

    private static boolean holds(RunEntry r, int attempt) {
        return r != null && r.state == RunState.RUNNING && r.attempt == attempt;
    }

    private static boolean publishes(RunEntry r, int attempt) {
        return r != null && r.state == RunState.PUBLISHING && r.attempt == attempt;
    }

    @Override
    public boolean stageOutputs(String runId, int attempt, List<AssetEvent> outputs, Map<String, String> inputVersions, String codeVersion) {
        synchronized (t) {
            Instant now = t.now();
            RunEntry r = t.runs.get(runId);
            if (r != null && r.state == RunState.PUBLISHING && r.attempt == attempt) {
                return true; // staged already by this very attempt: a call repeated after an unclear answer
            }
            if (!holds(r, attempt) || r.leaseUntil == null || !r.leaseUntil.isAfter(now)) {
                return false;
            }
            r.state = RunState.PUBLISHING;
            r.staged = new StagedOutputs(attempt, outputs, inputVersions, codeVersion, now);
            r.updatedAt = now;
            return true;
        }
    }

    @Override
    public Optional<StagedOutputs> staged(String runId) {
        synchronized (t) {
            return Optional.ofNullable(t.runs.get(runId)).map(r -> r.staged);
        }
    }

    @Override
    public boolean recordOutputs(String runId, int attempt, List<AssetEvent> outputs, Map<String, String> inputVersions, String codeVersion) {
        if (2 * outputs.size() + 1 > MAX_TRANSACTION_ITEMS) {
            throw new IllegalArgumentException("run " + runId + " has " + outputs.size() + " outputs; one transaction records at most "
                    + (MAX_TRANSACTION_ITEMS - 1) / 2);
        }
        synchronized (t) {
            Instant now = t.now();
            RunEntry r = t.runs.get(runId);
            boolean fenced = publishes(r, attempt) && r.outputEvents == null;
            if (!fenced) {
                if (r == null) {
                    throw new StoreException("no run " + runId, null);
                }
                if (!(publishes(r, attempt) && r.outputEvents != null)) {
                    return false; // the attempt lost the run
                } // else recorded already by this very attempt: a call repeated after an unclear answer
            } else if (outputs.stream().anyMatch(e -> t.events.containsKey(e.eventId()))) {
                throw new StoreException("recording the outputs of run " + runId + " (attempt " + attempt + ") failed: an output event exists", null);
            } else {
                outputs.forEach(e -> events.add(e, runId));
                r.outputEvents = outputs.stream().map(AssetEvent::eventId).toList();
                r.inputVersions = Map.copyOf(inputVersions);
                r.codeVersion = codeVersion;
                r.updatedAt = now;
            }
            outputs.forEach(events::applyFollowUps);
            return true;
        }
    }

    @Override
    public Optional<List<String>> recordedOutputs(String runId) {
        synchronized (t) {
            return Optional.ofNullable(t.runs.get(runId)).map(r -> r.outputEvents);
        }
    }

    @Override
    public boolean finish(String runId, int attempt, RunState outcome, String reason) {
        return end(runId, outcome, reason, r -> holds(r, attempt) || publishes(r, attempt));
    }

    @Override
    public void finishUnfenced(String runId, RunState outcome, String reason) {
        if (!end(runId, outcome, reason, r -> r.state.isActive())) {
            throw new StoreException("run " + runId + " is not active; it cannot finish as " + outcome, null);
        }
    }

    /** The one way a run ends: its state set and its consumer partition freed, together, while {@code holds} holds. */
    private boolean end(String runId, RunState outcome, String reason, Predicate<RunEntry> holds) {
        if (outcome.isActive()) {
            throw new IllegalArgumentException("a run finishes as SUCCEEDED, FAILED or SKIPPED, not " + outcome);
        }
        synchronized (t) {
            RunEntry r = t.runs.get(runId);
            if (r == null) {
                throw new StoreException("no run " + runId, null);
            }
            if (!holds.test(r)) {
                return false;
            }
            Consumer c = t.consumers.get(key(r.pipeline, r.partition));
            if (c == null || !runId.equals(c.activeRun)) { // a consumer partition held by another run is a defect
                throw new StoreException("run " + runId + " could not finish as " + outcome + ": its consumer partition is not held by it", null);
            }
            r.state = outcome;
            r.updatedAt = t.now();
            r.finishReason = reason;
            r.sweepList = Tables.ANNOUNCE;
            c.activeRun = null;
            c.version++;
            return true;
        }
    }

    @Override
    public Optional<Map<String, String>> lastSucceededInputs(String pipeline, String partition, String codeVersionKey) {
        synchronized (t) {
            return t.runs.values().stream()
                    .filter(r -> r.pipeline.equals(pipeline) && r.partition.equals(partition) && r.state == RunState.SUCCEEDED && r.inputVersions != null)
                    .max(Comparator.comparing(RunEntry::indexKey))
                    .map(r -> {
                        Map<String, String> out = new TreeMap<>(r.inputVersions);
                        out.put(codeVersionKey, r.codeVersion);
                        return out;
                    });
        }
    }
}
