package io.freshet.state.memory;

import static io.freshet.state.memory.Tables.key;
import static io.freshet.state.memory.Tables.micros;
import static io.freshet.state.memory.Tables.sortable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.trigger.PendingEvent;
import io.freshet.state.ConsumerStates;
import io.freshet.state.ConsumerView;
import io.freshet.state.StoreException;
import io.freshet.state.memory.Tables.Consumer;
import io.freshet.state.memory.Tables.RunEntry;

/** Consumer partitions in memory; see {@link MemoryStateStore}. Consumed markers do not expire here. */
final class MemoryConsumerStates implements ConsumerStates {

    private final Tables t;

    MemoryConsumerStates(Tables t) {
        this.t = t;
    }

    @Override
    public boolean addPending(String pipeline, String partition, PendingEvent e, List<String> unconsumed) {
        if (unconsumed.size() > 98) {
            throw new IllegalArgumentException("a transaction checks at most 98 other events, got " + unconsumed.size());
        }
        synchronized (t) {
            Map<String, String> consumed = consumedOf(pipeline, partition);
            if (consumed.containsKey(e.eventId()) || unconsumed.stream().anyMatch(consumed::containsKey)) {
                return false; // consumed already
            }
            PendingEvent stored = new PendingEvent(e.eventId(), e.asset(), e.partition(), micros(e.time()));
            consumer(pipeline, partition).pending.putIfAbsent(pendingKey(e), stored); // present already: a duplicate delivery
            return true;
        }
    }

    static String pendingKey(PendingEvent e) {
        return key(sortable(e.time()), e.eventId());
    }

    private Map<String, String> consumedOf(String pipeline, String partition) {
        return t.consumedOf(pipeline, partition);
    }

    private Consumer consumer(String pipeline, String partition) {
        return t.consumers.computeIfAbsent(key(pipeline, partition), k -> new Consumer());
    }

    @Override
    public Optional<String> consumedBy(String pipeline, String partition, String eventId) {
        synchronized (t) {
            return Optional.ofNullable(consumedOf(pipeline, partition).get(eventId));
        }
    }

    @Override
    public boolean isPending(String pipeline, String partition, PendingEvent e) {
        synchronized (t) {
            Consumer c = t.consumers.get(key(pipeline, partition));
            return c != null && c.pending.containsKey(pendingKey(e));
        }
    }

    @Override
    public ConsumerView view(String pipeline, String partition) {
        synchronized (t) {
            Consumer c = t.consumers.get(key(pipeline, partition));
            if (c == null) {
                return new ConsumerView(pipeline, partition, 0, Optional.empty(), Optional.empty(), true, List.of());
            }
            return new ConsumerView(pipeline, partition, c.version, Optional.ofNullable(c.activeRun), Optional.ofNullable(c.lastRun),
                    c.cleaned, List.copyOf(c.pending.values()));
        }
    }

    @Override
    public void cleanupConsumed(String runId) {
        synchronized (t) {
            RunEntry run = t.runs.get(runId);
            if (run == null) {
                throw new StoreException("no run " + runId, null);
            }
            Map<String, String> consumed = t.consumed.computeIfAbsent(key(run.pipeline, run.partition), k -> new HashMap<>());
            Consumer c = consumer(run.pipeline, run.partition);
            for (int i = 0; i < run.consumed.size(); i++) {
                consumed.put(run.consumed.get(i), runId);
                c.pending.remove(run.pendingKeys.get(i));
            }
            if (c.hasState && runId.equals(c.lastRun)) {
                c.cleaned = true;
            } // else a later run took over the state; its own cleanup flag is its own
        }
    }
}
