package io.freshet.trigger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.aws.store.DynamoStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Readiness;

/**
 * The trigger's logic: an input event joins the consumer partition's pending set, the consumer's
 * condition is evaluated over what is pending, and when it holds a run is created exactly once.
 *
 * <p>Exactly once under at-least-once, reordered and concurrent delivery rests on three things:
 * adding to the pending set is rejected atomically for events a run already consumed; a run is
 * created in one transaction with the consumer state's move to "run active", conditioned on the
 * version read (two evaluations that raced: one wins, the other re-reads); and the run id derives
 * from what it consumes, so repeating a step repeats the same write.
 */
public final class TriggerService {

    /** Re-reads after losing a race; contention beyond this fails the invocation, and Lambda retries it. */
    private static final int MAX_ATTEMPTS = 20;

    /**
     * How long the invocation that created a run has to announce it before another one does. A
     * concurrent duplicate delivery must not announce a run its creator is announcing right now;
     * a creator that died is retried by Lambda a minute or more later, past this grace.
     */
    static final java.time.Duration ANNOUNCE_GRACE = java.time.Duration.ofSeconds(30);

    private final Project project;
    private final DynamoStore store;
    private final Announcer announcer;
    private final JsonLog log;
    private final java.time.Clock clock;

    public TriggerService(Project project, DynamoStore store, Announcer announcer, JsonLog log, java.time.Clock clock) {
        this.project = project;
        this.store = store;
        this.announcer = announcer;
        this.log = log;
        this.clock = clock;
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
                evaluate(consumer, EventJson.text(detail, "partition"));
            }
            default -> throw new MalformedEventException("unexpected detail-type '" + detailType + "'");
        }
    }

    public void onAssetUpdated(Pipeline consumer, AssetEvent e) {
        Optional<Input> input = consumer.input(e.asset());
        if (input.isEmpty()) {
            throw new MalformedEventException("'" + e.asset() + "' is not an input of '" + consumer.name() + "'");
        }
        for (String partition : Readiness.consumerPartitions(consumer, input.get(), e.partition(), e.time())) {
            boolean added = store.addPending(consumer.name(), partition, new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time()));
            log.info(added ? "event pending" : "event already consumed", Map.of("pipeline", consumer.name(), "partition", partition,
                    "asset", e.asset(), "eventId", e.eventId()));
            // Scheduled pipelines (cron, cron + condition, freshness) decide at the tick; here the event only waits.
            if (added && Readiness.isEventDriven(consumer)) {
                evaluate(consumer, partition);
            }
        }
    }

    /** Creates the consumer partition's next run if its condition holds and no run is active. */
    public Optional<Run> evaluate(Pipeline consumer, String partition) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            DynamoStore.ConsumerView view = store.consumer(consumer.name(), partition);
            if (view.activeRun().isPresent()) {
                // Events wait for the next run. If the active run's announcement is overdue, send it again.
                store.run(view.activeRun().get())
                        .filter(r -> !r.announced() && r.createdAt().plus(ANNOUNCE_GRACE).isBefore(clock.instant()))
                        .ifPresent(this::announce);
                return Optional.empty();
            }
            if (view.lastRun().isPresent() && !view.lastRunCleaned()) {
                store.cleanupConsumed(view.lastRun().get());
                continue;
            }
            Readiness.Decision decision = Readiness.decide(consumer, partition, view.pending(), store::hasData);
            if (decision instanceof Readiness.Decision.Wait) {
                return Optional.empty();
            }
            List<PendingEvent> consumed = ((Readiness.Decision.Run) decision).consumed();
            String runId = Ids.run(consumer.name(), partition, consumed.stream().map(PendingEvent::eventId).toList());
            Optional<Run> run = store.tryCreateRun(view, runId, consumed, reason(consumer, consumed));
            if (run.isEmpty()) {
                continue; // another evaluation changed this consumer partition first: read again
            }
            log.info("run created", Map.of("pipeline", consumer.name(), "partition", partition, "runId", runId,
                    "consumed", consumed.size()));
            store.cleanupConsumed(runId);
            announce(run.get());
            return run;
        }
        throw new IllegalStateException("pipeline '" + consumer.name() + "' partition '" + partition + "': still contended after "
                + MAX_ATTEMPTS + " attempts; the invocation is retried");
    }

    private void announce(Run run) {
        announcer.announce(EventJson.RUN_REQUESTED, EventJson.runRequested(run));
        store.markRunAnnounced(run.runId());
    }

    private static String reason(Pipeline consumer, List<PendingEvent> consumed) {
        String assets = consumed.stream().collect(Collectors.groupingBy(PendingEvent::asset, java.util.TreeMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
        return "condition " + consumer.trigger().flatMap(t -> t.condition()).map(c -> c.text()).orElse("?")
                + " held with new events: " + assets;
    }
}
