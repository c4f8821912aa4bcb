package io.freshet.local.stack;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Schedule;
import io.freshet.core.partition.Partitions;
import io.freshet.core.runs.Run;
import io.freshet.core.schedule.CronTicks;
import io.freshet.core.trigger.Request;
import io.freshet.state.protocol.RunLauncher;

/**
 * What a fresh embedded stack lacks that a deployed one has had since its first night: the
 * dimensions. A pipeline that reads an asset with {@code latest} (core_trips reads the newest
 * raw.stations snapshot) has nothing to join until the schedule that writes it has fired once,
 * so the first upload after {@code freshet up} would end SKIPPED ("input 'raw.stations' has no
 * data"). {@link #play} asks, once, for the most recent fire of every scheduled pipeline whose
 * outputs are read with {@code latest}, as the tick would have (the same request, so a tick that
 * sees the same fire does not run it again), and waits until it and what it sets off are done.
 */
public final class FirstSnapshots {

    private FirstSnapshots() {
    }

    /** One played fire: the pipeline, the partition, the run (empty when the request was not answered). */
    public record Played(String pipeline, String partition, Instant fire, Optional<Run> run) {
    }

    /** The scheduled pipelines that write an asset some pipeline reads with {@code latest}, in dependency order. */
    public static List<Pipeline> dimensionWriters(Project project) {
        List<Pipeline> out = new ArrayList<>();
        for (String name : project.graph().pipelineOrder()) {
            Pipeline p = project.pipeline(name).orElseThrow();
            boolean scheduled = p.trigger().flatMap(t -> t.schedule()).isPresent();
            boolean readAsNewest = project.pipelines().stream().flatMap(c -> c.inputs().stream())
                    .anyMatch(in -> in.mapping().readsNewest() && p.outputAssets().contains(in.asset()));
            if (scheduled && readAsNewest) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The most recent fire, unless its partition is already past at {@code now}: between midnight
     * and a nightly fire, the last fire ran the day before yesterday, which a full snapshot refuses
     * as a past date. Then the next fire, whose partition is the newest complete one; asked early
     * under the id the tick will ask it by, the tick then finds it done.
     */
    static Optional<Instant> playableFire(Pipeline p, Schedule s, Instant now) {
        Optional<Instant> previous = s.cron().previous(now.plusNanos(1), s.zone());
        String current = Partitions.lastCompleteAt(p.partitioning(), now);
        boolean past = previous.flatMap(f -> CronTicks.partitionOf(p, f)).filter(k -> k.compareTo(current) < 0).isPresent();
        return past ? s.cron().next(now, s.zone()) : previous;
    }

    /** Plays the most recent fire of each dimension writer on {@code stack} and waits for the runs it set off. */
    public static List<Played> play(EmbeddedStack stack, Clock clock, Duration timeout) {
        JsonLog quiet = new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of());
        RunLauncher launcher = new RunLauncher(stack.store(), new PublishingAnnouncer(new EventPublisher(stack.bus().client(), stack.busName())),
                quiet, clock);
        Instant now = clock.instant();
        List<Played> played = new ArrayList<>();
        List<String[]> asked = new ArrayList<>();
        for (Pipeline p : dimensionWriters(stack.project())) {
            Schedule s = p.trigger().flatMap(t -> t.schedule()).orElseThrow();
            Optional<Instant> fire = playableFire(p, s, now);
            Optional<String> partition = fire.flatMap(f -> CronTicks.partitionOf(p, f));
            if (partition.isEmpty()) {
                continue; // never fired yet, or before its first partition: nothing a tick would have run
            }
            Request tick = Request.tick(p.name(), fire.get());
            launcher.request(p, partition.get(), tick, List.of());
            asked.add(new String[] {p.name(), partition.get(), tick.id(), fire.get().toString()});
        }
        stack.settle(timeout);
        for (String[] a : asked) {
            Optional<Run> run = stack.store().consumers().consumedBy(a[0], a[1], a[2]).flatMap(stack.store().runs()::run);
            played.add(new Played(a[0], a[1], Instant.parse(a[3]), run));
        }
        return played;
    }
}
