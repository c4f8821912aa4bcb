package io.freshet.state.memory;

import static io.freshet.state.memory.Tables.key;
import static io.freshet.state.memory.Tables.micros;
import static io.freshet.state.memory.Tables.sortable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.S3Change;
import io.freshet.state.EventLog;
import io.freshet.state.Recorded;
import io.freshet.state.StoredEvent;
import io.freshet.state.memory.Tables.EventEntry;
import io.freshet.state.memory.Tables.StateEntry;

/** The event log in memory; see {@link MemoryStateStore}. */
final class MemoryEventLog implements EventLog {

    private final Tables t;

    MemoryEventLog(Tables t) {
        this.t = t;
    }

    @Override
    public Recorded record(AssetEvent e) {
        return record(e, false);
    }

    @Override
    public Recorded recordAnnouncing(AssetEvent e) {
        return record(e, true);
    }

    private Recorded record(AssetEvent e, boolean announcing) {
        synchronized (t) {
            EventEntry existing = t.events.get(e.eventId());
            if (existing != null) {
                applyFollowUps(existing.event); // the follow-ups of the recorded event, not of this delivery's copy
                return new Recorded(false, existing.announced, existing.announcing);
            }
            add(e, null);
            EventEntry added = t.events.get(e.eventId());
            added.announced = announcing;
            added.announcing = announcing;
            applyFollowUps(e);
            return new Recorded(true, announcing, announcing);
        }
    }

    /** The event and its history entry; the caller checked that the id is new and holds the lock. */
    void add(AssetEvent e, String runId) {
        t.events.put(e.eventId(), new EventEntry(e, runId));
        putInHistory(e);
    }

    private void putInHistory(AssetEvent e) {
        t.history.computeIfAbsent(e.asset(), a -> new TreeMap<>()).put(key(e.partition(), sortable(e.time()), e.eventId()), e);
    }

    @Override
    public void applyFollowUps(AssetEvent e) {
        synchronized (t) {
            StateEntry candidate = new StateEntry(e, micros(e.time()), stateOrder(e));
            TreeMap<String, StateEntry> states = t.partitionStates.computeIfAbsent(e.asset(), a -> new TreeMap<>());
            if (newer(candidate, states.get(e.partition()))) {
                states.put(e.partition(), candidate);
            }
            if (newer(candidate, t.newest.get(e.asset()))) {
                t.newest.put(e.asset(), candidate);
            }
        }
    }

    /** A later time, or the same time and a later order (the S3 sequencer): the state moves forward only. */
    private static boolean newer(StateEntry candidate, StateEntry stored) {
        if (stored == null) {
            return true;
        }
        int byTime = stored.time().compareTo(candidate.time());
        return byTime < 0 || (byTime == 0 && stored.order().compareTo(candidate.order()) < 0);
    }

    private static String stateOrder(AssetEvent e) {
        String sequencer = e.metadata().get(S3Change.SEQUENCER);
        return sortable(e.time()) + "#" + (sequencer == null ? "" : S3Change.sortableSequencer(sequencer));
    }

    @Override
    public void recordInHistory(AssetEvent e) {
        synchronized (t) {
            putInHistory(e);
        }
    }

    @Override
    public void markAnnounced(String eventId) {
        synchronized (t) {
            EventEntry entry = t.events.get(eventId);
            if (entry != null) {
                entry.announced = true;
            }
        }
    }

    @Override
    public Optional<StoredEvent> stored(String eventId) {
        synchronized (t) {
            return Optional.ofNullable(t.events.get(eventId)).map(entry -> new StoredEvent(entry.event, entry.announced));
        }
    }

    @Override
    public List<AssetEvent> history(String asset, String partition) {
        synchronized (t) {
            String prefix = partition + "#";
            return historyOf(asset).entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
        }
    }

    @Override
    public List<AssetEvent> recent(String asset, int limit) {
        synchronized (t) {
            List<AssetEvent> events = new ArrayList<>(historyOf(asset).values());
            events.sort(Comparator.comparing(AssetEvent::time).reversed());
            return List.copyOf(events.subList(0, Math.min(limit, events.size())));
        }
    }

    private TreeMap<String, AssetEvent> historyOf(String asset) {
        return t.history.getOrDefault(asset, new TreeMap<>());
    }

    @Override
    public Optional<AssetEvent> latest(String asset, String partition) {
        synchronized (t) {
            return Optional.ofNullable(t.partitionStates.getOrDefault(asset, new TreeMap<>()).get(partition)).map(StateEntry::event);
        }
    }

    @Override
    public Optional<AssetEvent> newest(String asset) {
        synchronized (t) {
            return Optional.ofNullable(t.newest.get(asset)).map(StateEntry::event);
        }
    }

    @Override
    public List<String> partitionsWithData(String asset, int limit) {
        synchronized (t) {
            List<String> keys = new ArrayList<>(t.partitionStates.getOrDefault(asset, new TreeMap<>()).descendingKeySet());
            return List.copyOf(keys.subList(0, Math.min(limit, keys.size())));
        }
    }
}
