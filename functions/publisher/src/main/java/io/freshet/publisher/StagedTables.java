package io.freshet.publisher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.model.Output;

/**
 * A run's staged events as the tables they go to: one commit per output asset. An output with a
 * dynamic key ({@code partition_by}) staged one event per key value, each naming its own files;
 * they are committed together, in one commit that replaces the run's time partition with every
 * key it wrote (docs/architecture.md, "Dynamic keys"), and each event then names that commit.
 */
final class StagedTables {

    private StagedTables() {
    }

    /** The staged events grouped by asset, in staging order. */
    static List<List<AssetEvent>> byAsset(List<AssetEvent> staged) {
        Map<String, List<AssetEvent>> groups = new LinkedHashMap<>();
        staged.forEach(e -> groups.computeIfAbsent(e.asset(), a -> new ArrayList<>()).add(e));
        return List.copyOf(groups.values());
    }

    /** Every file of the asset's events. */
    static List<String> objects(List<AssetEvent> ofAsset) {
        return ofAsset.stream().flatMap(e -> e.objects().stream()).toList();
    }

    /** With a dynamic key, each file's key value (from its event); empty without one. */
    static Map<String, String> fileKeys(Output out, List<AssetEvent> ofAsset) {
        Map<String, String> keys = new LinkedHashMap<>();
        out.dynamicKey().ifPresent(k -> ofAsset.forEach(e -> EventKeys.value(e, k.column())
                .ifPresent(v -> e.objects().forEach(o -> keys.put(o, v)))));
        return keys;
    }
}
