package io.freshet.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.Announcer;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.model.Pipeline;
import io.freshet.trigger.TriggerService;

/**
 * A {@link TickWorld} whose announcements travel as on the stack's bus: {@code Asset Updated}
 * reaches the real trigger of each consumer (which requests runs), and everything announced is
 * kept to look at. It can kill an asset's next {@code Asset Updated}, as a tick dying right after
 * recording an event.
 */
record ObservedWorld(TickWorld world, PgCredentials credentials, Bus bus) {

    ObservedWorld(TickWorld world, PgCredentials credentials) {
        this(world, credentials, new Bus(world));
    }

    /** One whole tick, every duty, as the scheduler function runs it. */
    SchedulerService.Report tick() {
        return new SchedulerService(world.project, world.store, bus, world.log, world.clock, "test", credentials).tick();
    }

    ObservationDuty duty() {
        return new ObservationDuty(world.project.observations(), world.store, world.schedule, new PgObserver(credentials),
                new ListingObserver(world.project, Map.of(), world.store, new ObjectListing(Optional.empty()), bus, world.log), bus, world.log, "test");
    }

    /** The bus: what was announced, and consumers' triggers for asset updates. */
    static final class Bus implements Announcer {
        private final TickWorld world;
        private final List<Map.Entry<String, JsonNode>> announced = new CopyOnWriteArrayList<>();
        private final List<Integer> recordedAtUpdates = new CopyOnWriteArrayList<>();
        private String killAt;

        Bus(TickWorld world) {
            this.world = world;
        }

        /** The next {@code Asset Updated} of {@code asset} dies before it reaches the bus. */
        void killAtNextAssetUpdated(String asset) {
            killAt = asset;
        }

        @Override
        public void announce(String detailType, String detailJson) {
            JsonNode detail = EventJson.read(detailJson);
            if (detailType.equals(EventJson.ASSET_UPDATED) && detail.path("asset").asText().equals(killAt)) {
                killAt = null;
                throw new IllegalStateException("killed right after recording, before announcing");
            }
            announced.add(Map.entry(detailType, detail));
            if (detailType.equals(EventJson.ASSET_UPDATED)) {
                AssetEvent e = EventJson.assetEvent(detail);
                recordedAtUpdates.add(world.store.events().history(e.asset(), e.partition()).size());
                TriggerService trigger = new TriggerService(world.project, world.store, this, world.log, world.clock);
                for (Pipeline p : world.project.pipelines()) {
                    if (p.input(e.asset()).isPresent()) {
                        trigger.onAssetUpdated(p, e);
                    }
                }
            }
        }

        /** At each {@code Asset Updated}, as it reached the bus: the events its partition had recorded. */
        List<Integer> recordedAtUpdates() {
            return List.copyOf(recordedAtUpdates);
        }

        List<JsonNode> of(String detailType) {
            return announced.stream().filter(a -> a.getKey().equals(detailType)).map(Map.Entry::getValue).toList();
        }

        /** The newest {@code Observation Failed} of each source. */
        Map<String, JsonNode> failures() {
            Map<String, JsonNode> out = new TreeMap<>();
            of(ObservationDuty.OBSERVATION_FAILED).forEach(n -> out.put(n.path("source").asText(), n));
            return out;
        }
    }
}
