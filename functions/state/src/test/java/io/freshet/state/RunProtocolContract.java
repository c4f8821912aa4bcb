package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.RunAnnouncer;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.protocol.RunPublication;

/**
 * The run protocol on the ports: one run per readiness however events are delivered (twice, late,
 * from several threads at once), a stale attempt cannot publish, and the commit point's events are
 * announced once and the run ended once, whoever finishes the publication.
 */
abstract class RunProtocolContract extends StoreContract {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    /** Runs when its three inputs of a night are in: raw.routes &amp; raw.route_stations &amp; raw.stations. */
    static final Pipeline NETWORK = METRO.pipeline("core_network").orElseThrow();
    static final String DAY = "2026-05-26";

    final List<String> announced = new CopyOnWriteArrayList<>();
    RunLauncher launcher;
    RunPublication publication;

    @BeforeEach
    void protocol() {
        RunAnnouncer announcer = new RunAnnouncer() {
            @Override
            public void runRequested(Run run) {
                announced.add("requested " + run.runId());
            }

            @Override
            public void outputsStaged(Run run, int attempt) {
                announced.add("staged " + run.runId() + " " + attempt);
            }

            @Override
            public void runEnded(Run run, RunState outcome, String reason) {
                announced.add(outcome + " " + run.runId());
            }

            @Override
            public void assetUpdated(AssetEvent event) {
                announced.add("updated " + event.eventId());
            }
        };
        launcher = new RunLauncher(store, announcer, (message, fields) -> { }, clock);
        publication = new RunPublication(store, announcer, launcher);
    }

    /** A night's three snapshot tables, recorded as their producer records them. */
    private List<AssetEvent> night(String suffix) {
        List<AssetEvent> events = new ArrayList<>();
        for (String asset : List.of("raw.routes", "raw.route_stations", "raw.stations")) {
            AssetEvent e = output(asset + "-" + suffix, asset, DAY, clock.instant(), "snapshot-" + suffix);
            store.events().record(e);
            events.add(e);
        }
        return events;
    }

    /** What the trigger does with a delivery: add the event to the consumer's pending set and evaluate. */
    private void deliver(AssetEvent e) {
        if (store.consumers().addPending(NETWORK.name(), DAY, pending(e))) {
            launcher.evaluate(NETWORK, DAY);
        }
    }

    private List<Run> runs() {
        return store.runs().of(NETWORK.name());
    }

    @Test
    void oneRunPerReadinessUnderDuplicateAndLateDelivery() {
        List<AssetEvent> night = night("a");
        deliver(night.get(0));
        deliver(night.get(0));
        deliver(night.get(1));
        assertEquals(List.of(), runs(), "the condition does not hold yet");
        deliver(night.get(2));
        deliver(night.get(1));
        deliver(night.get(2));

        assertEquals(1, runs().size());
        Run run = runs().get(0);
        assertEquals(night.stream().map(AssetEvent::eventId).sorted().toList(), run.consumed().stream().sorted().toList());
        assertEquals(List.of("requested " + run.runId()), announced);
        assertFalse(store.runs().run(run.runId()).orElseThrow().announced(), "its creator does not note its own announcement");

        store.runs().finishUnfenced(run.runId(), RunState.SUCCEEDED, "done");
        night.forEach(this::deliver); // redelivered after they were consumed
        assertEquals(1, runs().size());
        night("b").forEach(this::deliver);
        assertEquals(2, runs().size(), "the next readiness gets the next run");
    }

    @Test
    void oneRunPerReadinessUnderConcurrentDelivery() throws Exception {
        List<AssetEvent> night = night("a");
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Void>> deliveries = new ArrayList<>();
            Random random = new Random(13);
            for (int i = 0; i < 6; i++) {
                List<AssetEvent> order = new ArrayList<>(night);
                Collections.shuffle(order, random);
                deliveries.add(() -> {
                    order.forEach(this::deliver);
                    return null;
                });
            }
            for (Future<Void> f : threads.invokeAll(deliveries)) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, runs().size());
        assertEquals(3, runs().get(0).consumed().size());
        assertEquals(List.of("requested " + runs().get(0).runId()), announced, "announced by its creator only");
        assertEquals(List.of(), store.consumers().view(NETWORK.name(), DAY).pending(), "every event consumed once");
    }

    @Test
    void aRunWhoseCreatorDiedBeforeAnnouncingIsAnnouncedOnceTheGraceIsOver() {
        List<AssetEvent> night = night("a");
        night.forEach(e -> store.consumers().addPending(NETWORK.name(), DAY, pending(e)));
        ConsumerView seen = store.consumers().view(NETWORK.name(), DAY);
        Run run = store.runs().tryCreate(seen, "run-orphan", seen.pending(), "created, then the process died").orElseThrow();

        launcher.evaluate(NETWORK, DAY);
        assertEquals(List.of(), announced, "its creator may be announcing it right now");
        clock.advance(RunLauncher.UNSTARTED_GRACE.plusSeconds(1));
        launcher.evaluate(NETWORK, DAY);
        assertEquals(List.of("requested " + run.runId()), announced);
        launcher.evaluate(NETWORK, DAY);
        assertEquals(1, announced.size(), "once");
    }

    @Test
    void theCommitPointsEventsArePublishedOnceAndOnlyTheHoldingAttemptEndsTheRun() {
        night("a").forEach(this::deliver);
        Run run = runs().get(0);
        announced.clear();
        Duration lease = Duration.ofMinutes(15);
        int first = store.runs().startAttempt(run.runId(), clock.instant().plus(lease)).orElseThrow();
        List<AssetEvent> outputs = List.of(output("network-1", "core.network", DAY, clock.instant(), run.runId()));

        // The first attempt stalls before staging; the lease runs out and a second attempt takes over and stages.
        clock.advance(lease.plusSeconds(1));
        int second = store.runs().startAttempt(run.runId(), clock.instant().plus(lease)).orElseThrow();
        assertFalse(store.runs().stageOutputs(run.runId(), first, outputs, Map.of(), "code-1"), "the stale attempt stages nothing");
        assertTrue(store.runs().stageOutputs(run.runId(), second, outputs, Map.of(), "code-1"));
        assertFalse(store.runs().recordOutputs(run.runId(), first, outputs, Map.of(), "code-1"), "the stale attempt records nothing");
        assertTrue(store.runs().recordOutputs(run.runId(), second, outputs, Map.of(), "code-1"));
        assertFalse(publication.complete(run, first, List.of("network-1"), "stale"), "the stale attempt cannot end the run");
        assertTrue(publication.complete(run, second, store.runs().recordedOutputs(run.runId()).orElseThrow(), "published"));
        assertFalse(publication.complete(run, second, List.of("network-1"), "again"));

        assertEquals(List.of("updated network-1", "SUCCEEDED " + run.runId()), announced, "each once");
        Run ended = store.runs().run(run.runId()).orElseThrow();
        assertEquals(RunState.SUCCEEDED, ended.state());
        assertEquals(List.of(), store.runs().unannouncedEnds());
        assertTrue(store.events().stored("network-1").orElseThrow().announced());
        assertEquals(outputs.get(0), store.events().latest("core.network", DAY).orElseThrow());
    }
}
