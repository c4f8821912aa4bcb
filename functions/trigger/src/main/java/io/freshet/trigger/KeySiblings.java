package io.freshet.trigger;

import java.util.ArrayList;
import java.util.List;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.model.Input;
import io.freshet.state.StateStore;

/**
 * The events one announcement of a dynamically keyed asset stands for, for one input
 * (docs/architecture.md, "Dynamic keys"). A producer run records all its key events of a partition
 * at once, at its commit point, and announces them one by one; a consumer of the whole asset must
 * run once for the run's partition, not once per key. So the first announcement that reaches the
 * trigger puts every key event of that run and partition that the input takes into the pending
 * set before the partition is evaluated; the later ones find them pending or consumed and change
 * nothing. An input of one key takes only that key's event.
 */
final class KeySiblings {

    private KeySiblings() {
    }

    static List<AssetEvent> of(StateStore store, Input input, AssetEvent announced) {
        List<AssetEvent> out = new ArrayList<>();
        out.add(announced);
        List<String> recorded = store.runs().recordedOutputs(announced.producer().id()).orElse(List.of());
        for (String id : recorded) {
            if (id.equals(announced.eventId())) {
                continue;
            }
            store.events().event(id)
                    .filter(e -> e.asset().equals(announced.asset()) && e.partition().equals(announced.partition()))
                    .filter(e -> EventKeys.accepts(input, e))
                    .ifPresent(out::add);
        }
        return out;
    }
}
