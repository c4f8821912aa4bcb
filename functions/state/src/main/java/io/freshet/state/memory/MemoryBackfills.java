package io.freshet.state.memory;

import static io.freshet.state.memory.Tables.key;
import static io.freshet.state.memory.Tables.micros;

import java.util.Optional;

import io.freshet.state.Backfills;
import io.freshet.state.StoredBackfill;
import io.freshet.state.memory.Tables.BackfillItem;

/** Backfills in memory; see {@link MemoryStateStore}. */
final class MemoryBackfills implements Backfills {

    private final Tables t;

    MemoryBackfills(Tables t) {
        this.t = t;
    }

    @Override
    public boolean create(StoredBackfill b) {
        synchronized (t) {
            return t.backfills.putIfAbsent(b.backfillId(), new StoredBackfill(b.backfillId(), b.asset(), b.from(), b.to(), b.downstream(),
                    b.force(), micros(b.createdAt()))) == null;
        }
    }

    @Override
    public Optional<StoredBackfill> find(String backfillId) {
        synchronized (t) {
            return Optional.ofNullable(t.backfills.get(backfillId));
        }
    }

    @Override
    public int round(String backfillId, String pipeline, String partition) {
        synchronized (t) {
            BackfillItem item = t.backfillItems.get(key(backfillId, pipeline, partition));
            return item == null || item.round == null ? 0 : item.round;
        }
    }

    @Override
    public void setRound(String backfillId, String pipeline, String partition, int round) {
        synchronized (t) {
            item(backfillId, pipeline, partition).round = round;
        }
    }

    @Override
    public Optional<String> adoptedRun(String backfillId, String pipeline, String partition) {
        synchronized (t) {
            return Optional.ofNullable(t.backfillItems.get(key(backfillId, pipeline, partition))).map(i -> i.runId);
        }
    }

    @Override
    public void setAdoptedRun(String backfillId, String pipeline, String partition, Optional<String> runId) {
        synchronized (t) {
            item(backfillId, pipeline, partition).runId = runId.orElse(null);
        }
    }

    private BackfillItem item(String backfillId, String pipeline, String partition) {
        return t.backfillItems.computeIfAbsent(key(backfillId, pipeline, partition), k -> new BackfillItem());
    }
}
