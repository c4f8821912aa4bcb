package io.freshet.state.memory;

import static io.freshet.state.memory.Tables.key;
import static io.freshet.state.memory.Tables.micros;
import static io.freshet.state.memory.Tables.sortable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import io.freshet.state.DeployedCode;
import io.freshet.state.DirtyPartition;
import io.freshet.state.ScheduleState;
import io.freshet.state.TickState;
import io.freshet.state.Violation;

/** The tick's state in memory; see {@link MemoryStateStore}. */
final class MemoryScheduleState implements ScheduleState {

    private final Tables t;

    MemoryScheduleState(Tables t) {
        this.t = t;
    }

    @Override
    public TickState load() {
        synchronized (t) {
            Map<String, List<Violation>> violations = new HashMap<>();
            t.violations.values().forEach(v -> violations.computeIfAbsent(v.asset(), a -> new ArrayList<>()).add(v));
            return new TickState(new HashMap<>(t.cursors), new HashMap<>(t.code), violations);
        }
    }

    @Override
    public Optional<Instant> cursor(String pipeline) {
        synchronized (t) {
            return Optional.ofNullable(t.cursors.get(pipeline));
        }
    }

    @Override
    public boolean advanceCursor(String pipeline, Optional<Instant> seen, Instant to) {
        synchronized (t) {
            Instant stored = t.cursors.get(pipeline);
            boolean unchanged = seen.isPresent() ? stored != null && stored.equals(micros(seen.get())) : stored == null;
            if (unchanged) {
                t.cursors.put(pipeline, micros(to));
            }
            return unchanged;
        }
    }

    @Override
    public Optional<DeployedCode> deployedCode(String pipeline) {
        synchronized (t) {
            return Optional.ofNullable(t.code.get(pipeline));
        }
    }

    @Override
    public boolean recordCode(String pipeline, Optional<DeployedCode> seen, DeployedCode now) {
        synchronized (t) {
            DeployedCode stored = t.code.get(pipeline);
            boolean unchanged = seen.isPresent()
                    ? stored != null && stored.version().equals(seen.get().version()) && stored.applied() == seen.get().applied()
                    : stored == null;
            if (unchanged) {
                t.code.put(pipeline, new DeployedCode(now.version(), now.applied(), micros(now.firstSeen()), now.changedAt()));
            }
            return unchanged;
        }
    }

    @Override
    public void touchDirty(String pipeline, String partition) {
        String token = sortable(t.clock.instant()) + "#" + UUID.randomUUID();
        synchronized (t) {
            t.dirty.computeIfAbsent(pipeline, p -> new TreeMap<>()).put(partition, new DirtyPartition(partition, token));
        }
    }

    @Override
    public List<DirtyPartition> dirtyPartitions(String pipeline) {
        synchronized (t) {
            return List.copyOf(t.dirty.getOrDefault(pipeline, new TreeMap<>()).values());
        }
    }

    @Override
    public void clearDirty(String pipeline, DirtyPartition seen) {
        synchronized (t) {
            TreeMap<String, DirtyPartition> partitions = t.dirty.get(pipeline);
            if (partitions != null && seen.equals(partitions.get(seen.partition()))) {
                partitions.remove(seen.partition()); // else new input arrived meanwhile: the partition stays on the list
            }
        }
    }

    @Override
    public List<Violation> violations(String asset) {
        synchronized (t) {
            return t.violations.values().stream().filter(v -> v.asset().equals(asset)).toList();
        }
    }

    @Override
    public boolean openViolation(Violation v) {
        synchronized (t) {
            return t.violations.putIfAbsent(key(v.asset(), v.partition()), stored(v)) == null;
        }
    }

    private static Violation stored(Violation v) {
        return new Violation(v.asset(), v.partition(), v.violationId(), v.overdue(), v.reason(), micros(v.since()), v.announced());
    }

    @Override
    public boolean recover(Violation v, String reason) {
        synchronized (t) {
            Violation stored = t.violations.get(key(v.asset(), v.partition()));
            if (stored == null || !stored.violationId().equals(v.violationId()) || !stored.overdue()) {
                return false;
            }
            t.violations.put(key(v.asset(), v.partition()), new Violation(v.asset(), v.partition(), v.violationId(), false, reason, t.now(), false));
            return true;
        }
    }

    @Override
    public void markViolationAnnounced(Violation v) {
        synchronized (t) {
            Violation stored = t.violations.get(key(v.asset(), v.partition()));
            if (stored != null && stored.violationId().equals(v.violationId()) && stored.overdue() == v.overdue()) {
                t.violations.put(key(v.asset(), v.partition()), new Violation(stored.asset(), stored.partition(), stored.violationId(),
                        stored.overdue(), stored.reason(), stored.since(), true));
            } // else changed meanwhile: the next tick sees the new state
        }
    }

    @Override
    public void closeViolation(Violation v) {
        synchronized (t) {
            Violation stored = t.violations.get(key(v.asset(), v.partition()));
            if (stored != null && stored.violationId().equals(v.violationId()) && !stored.overdue()) {
                t.violations.remove(key(v.asset(), v.partition()));
            }
        }
    }
}
