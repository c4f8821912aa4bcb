package io.freshet.runner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.model.Input;
import io.freshet.state.EventLog;

/**
 * What an input of a dynamically keyed asset reads (docs/architecture.md, "Dynamic keys"). A run
 * of the producer replaces its time partition whole, so a partition's content is exactly the key
 * events of the newest run that wrote it: for each partition of the candidates (the events the
 * run consumed, else the newest), the newest candidate names that run, and its events of the
 * partition are read from the partition's history (recorded together, at the producer's commit
 * point), those of the input's key only when it names one. Older runs' events of the partition are
 * never read as well, so no row is read twice.
 */
final class KeyedInputs {

    private KeyedInputs() {
    }

    static List<AssetEvent> select(EventLog log, Input in, List<AssetEvent> candidates) {
        Map<String, List<AssetEvent>> byPartition = candidates.stream()
                .collect(Collectors.groupingBy(AssetEvent::partition, TreeMap::new, Collectors.toList()));
        List<AssetEvent> out = new ArrayList<>();
        for (Map.Entry<String, List<AssetEvent>> p : byPartition.entrySet()) {
            String newestRun = p.getValue().stream().max(Comparator.comparing(AssetEvent::time).thenComparing(AssetEvent::eventId))
                    .orElseThrow().producer().id();
            log.history(in.asset(), p.getKey()).stream()
                    .filter(e -> e.producer().id().equals(newestRun) && EventKeys.accepts(in, e))
                    .forEach(out::add);
        }
        return out;
    }
}
