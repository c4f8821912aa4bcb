package io.freshet.trigger;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Readiness;
import io.freshet.state.AtOnce;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.protocol.RunLauncher;

/**
 * The trigger's logic: an input event joins the consumer partition's pending set, and for a
 * pipeline started by events the partition is evaluated at once ({@link RunLauncher} creates the
 * run exactly once). A run's end, routed back by the consumer's own rule, evaluates the partition
 * again, so what arrived during the run is not forgotten.
 *
 * <p>Pipelines the tick starts (cron, cron + condition, freshness) only collect events here; the
 * partition is noted as having new input, which is where the tick looks.
 */
public final class TriggerService {

    /** The check of a delivery already made. */
    private static final Runnable VERIFIED = () -> {
    };

    private final Project project;
    private final StateStore store;
    private final ScheduleState schedulerStore;
    private final RunLauncher launcher;
    private final RecordedEvents recorded;
    private final JsonLog log;

    public TriggerService(Project project, StateStore store, Announcer announcer, JsonLog log, Clock clock) {
        this.project = project;
        this.store = store;
        this.schedulerStore = store.schedule();
        this.launcher = new RunLauncher(store, announcer, log, clock);
        this.recorded = new RecordedEvents(store);
        this.log = log;
    }

    /** One delivery from a consumer rule: {@code {"pipeline": name, "event": <EventBridge envelope>}}. */
    public void handle(JsonNode delivery) {
        String pipelineName = EventJson.text(delivery, "pipeline");
        Pipeline consumer = project.pipeline(pipelineName)
                .orElseThrow(() -> new MalformedEventException("no pipeline named '" + pipelineName + "' in this deployment"));
        JsonNode envelope = delivery.path("event");
        String detailType = EventJson.text(envelope, "detail-type");
        JsonNode detail = envelope.path("detail");
        switch (detailType) {
            case EventJson.ASSET_UPDATED -> onAssetUpdated(consumer, EventJson.assetEvent(detail));
            case EventJson.RUN_SUCCEEDED, EventJson.RUN_FAILED, EventJson.RUN_SKIPPED -> {
                if (!EventJson.text(detail, "pipeline").equals(consumer.name())) {
                    throw new MalformedEventException("a run of '" + detail.get("pipeline").asText() + "' was routed to '" + consumer.name() + "'");
                }
                String partition = EventJson.text(detail, "partition");
                recorded.verifyRunEnd(detailType, EventJson.text(detail, "runId"), consumer.name(), partition);
                if (detailType.equals(EventJson.RUN_FAILED) && consumer.freshness().isPresent()) {
                    // What the run consumed is not in its outputs: the tick judges the partition's freshness
                    // by it from now on (a run created on delivery left no mark; see runOnDelivery).
                    AtOnce.both(() -> schedulerStore.touchDirty(consumer.name(), partition), () -> evaluate(consumer, partition));
                } else {
                    evaluate(consumer, partition);
                }
            }
            default -> throw new MalformedEventException("unexpected detail-type '" + detailType + "'");
        }
    }

    /**
     * An input event for {@code consumer}; it must be recorded in the state table exactly as
     * delivered (asset, partition, objects and every other field), or it is rejected before anything
     * is written ({@link RecordedEvents}). That read is made at once with the consumer partition's
     * when the event may start a run by itself ({@link #runOnDelivery}): one round trip, and a read
     * unit where a check in the run's transaction cost two write units.
     */
    public void onAssetUpdated(Pipeline consumer, AssetEvent e) {
        Optional<Input> input = consumer.input(e.asset());
        if (input.isEmpty()) {
            throw new MalformedEventException("'" + e.asset() + "' is not an input of '" + consumer.name() + "'");
        }
        boolean keyed = project.output(e.asset()).flatMap(Output::dynamicKey).isPresent();
        boolean accepted = EventKeys.accepts(input.get(), e);
        // Only an event that may start a run by itself reads its consumer partition first, and its
        // record beside; a pipeline the tick starts only collects events, an event of a keyed output
        // is added with its siblings, an event of another key is ignored: each is checked first.
        boolean direct = accepted && !keyed && Readiness.isEventDriven(consumer);
        Runnable verify = () -> recorded.verify(e);
        if (!direct) {
            verify.run();
            verify = VERIFIED;
        }
        if (!accepted) {
            log.info("event of another key", Map.of("pipeline", consumer.name(), "asset", e.asset(), "eventId", e.eventId(),
                    "key", EventKeys.describe(e)));
            return;
        }
        List<AssetEvent> batch = keyed ? KeySiblings.of(store, input.get(), e) : List.of(e);
        for (String partition : Readiness.consumerPartitions(consumer, input.get(), e.partition(), e.time())) {
            RunLauncher.OnDelivery delivered = direct ? runOnDelivery(consumer, partition, e, verify) : RunLauncher.OnDelivery.TO_PENDING;
            verify = VERIFIED;
            if (delivered.answered()) {
                continue;
            }
            boolean added = false;
            for (AssetEvent b : batch) {
                boolean one = store.consumers().addPending(consumer.name(), partition, PendingEvent.of(b));
                log.info(one ? "event pending" : "event already consumed", Map.of("pipeline", consumer.name(), "partition", partition,
                        "asset", b.asset(), "eventId", b.eventId()));
                added |= one;
            }
            if (added) {
                onPending(consumer, partition);
            }
        }
    }

    /**
     * New input is pending in a consumer partition: it is marked dirty for the tick (which checks
     * freshness and launches lazy runs there), and evaluated now when events start the pipeline. The
     * mark and the evaluation write different items, so they go at once.
     */
    private void onPending(Pipeline consumer, String partition) {
        Runnable markDirty = () -> schedulerStore.touchDirty(consumer.name(), partition);
        boolean dirty = consumer.freshness().isPresent();
        boolean eventDriven = Readiness.isEventDriven(consumer);
        if (dirty && eventDriven) {
            AtOnce.both(markDirty, () -> evaluate(consumer, partition));
        } else if (dirty) {
            markDirty.run();
        } else if (eventDriven) {
            evaluate(consumer, partition);
        }
    }

    /**
     * The common case in one write, for a pipeline that events start: a run that the event makes
     * ready consumes it directly ({@link RunLauncher#onDelivery}), once {@code verify} has found it
     * as recorded. No dirty mark is written for it: while the run is active the tick finds its
     * partition among the active runs, and a run that fails marks its partition when its end comes
     * back here ({@link #handle}); a run that succeeds reflects the event.
     */
    private RunLauncher.OnDelivery runOnDelivery(Pipeline consumer, String partition, AssetEvent e, Runnable verify) {
        RunLauncher.OnDelivery direct = launcher.onDelivery(consumer, partition, e, verify);
        if (direct == RunLauncher.OnDelivery.CONSUMED_ALREADY) {
            log.info("event already consumed", Map.of("pipeline", consumer.name(), "partition", partition, "asset", e.asset(), "eventId", e.eventId()));
        }
        return direct;
    }

    /** Creates the consumer partition's next run if it is ready and no run is active. */
    public Optional<Run> evaluate(Pipeline consumer, String partition) {
        return launcher.evaluate(consumer, partition);
    }
}
