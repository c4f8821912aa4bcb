package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.state.DeployedCode;
import io.freshet.core.load.Project;
import io.freshet.core.runs.Run;

/**
 * The code-change duty alone: the first sight of a pipeline records its version and rebuilds
 * nothing; a new version rebuilds the newest partitions of its outputs as {@code on_code_change}
 * says, once, however many ticks (repeated or concurrent) see it; a tick that died half-way is
 * finished by the next.
 */
class CodeChangeDutyTest {

    @TempDir
    Path tmp;

    /** orders_daily has built 9, 10 and 11 May, and the tick has seen its version. */
    static TickWorld built(Path tmp) {
        TickWorld w = new TickWorld(Instant.parse("2026-05-12T08:00:00Z"), tmp);
        for (String day : List.of("2026-05-09", "2026-05-10", "2026-05-11")) {
            w.assetUpdated("shop.orders", day);
            w.runs("orders_daily").stream().filter(r -> r.state().isActive()).forEach(r -> w.succeed(r, "core.orders"));
        }
        w.finishActiveRuns();
        assertEquals(0, w.codeChange(w.project).run(w.tick()).runs(), "first sight rebuilds nothing");
        w.clock.advance(Duration.ofMinutes(1));
        return w;
    }

    /** The fixture with orders_daily's file changed, deployed: the tick's pipelines are the new ones. */
    static Project changed(TickWorld w, String yamlFrom, String yamlTo) {
        w.edit("orders_daily.yaml", yamlFrom, yamlTo);
        w.project = w.load();
        return w.project;
    }

    static List<Run> rebuilds(TickWorld w) {
        return w.runs("orders_daily").stream().filter(r -> r.reason().startsWith("code version changed")).toList();
    }

    @Test
    void theFirstSightRecordsTheVersionAndRebuildsNothing() {
        TickWorld w = built(tmp);
        assertEquals(Optional.of(new DeployedCode(w.project.codeVersion("orders_daily"), true,
                Instant.parse("2026-05-12T08:00:00Z"))), w.schedule.deployedCode("orders_daily"));
        assertEquals(0, w.codeChange(w.project).run(w.tick()).runs(), "the same version again");
        assertEquals(List.of(), rebuilds(w));
    }

    @Test
    void aNewVersionRebuildsTheNewestPartitionOnceThroughRepeatedAndConcurrentTicks() throws Exception {
        TickWorld w = built(tmp);
        Project v2 = changed(w, "sum(amount) AS amount", "sum(amount) AS total");
        String version = v2.codeVersion("orders_daily");
        Tick seen = w.tick();
        List<Integer> concurrent = CronDutyTest.concurrently(() -> w.codeChange(v2).run(seen).runs(),
                () -> w.codeChange(v2).run(seen).runs(), () -> w.codeChange(v2).run(seen).runs());
        assertEquals(1, concurrent.stream().mapToInt(Integer::intValue).sum(), "one of the racing ticks does the work: " + concurrent);
        assertEquals(0, w.codeChange(v2).run(w.tick()).runs(), "a later tick sees the version applied");

        List<Run> rebuilt = rebuilds(w);
        assertEquals(1, rebuilt.size(), "the newest partition only (on_code_change defaults to latest)");
        assertEquals("2026-05-11", rebuilt.get(0).partition());
        assertTrue(rebuilt.get(0).reason().startsWith("code version changed to " + version), rebuilt.get(0).reason());
        assertEquals(Optional.of(new DeployedCode(version, true, Instant.parse("2026-05-12T08:00:00Z"),
                        Optional.of(Instant.parse("2026-05-12T08:01:00Z")))),
                w.schedule.deployedCode("orders_daily"), "applied, noticed by the tick of 08:01; first seen stays the first deployment");
    }

    @Test
    void onCodeChangeSaysHowManyPartitionsAreRebuilt() {
        TickWorld w = built(tmp);
        w.edit("orders_daily.yaml", "retries: 0", "retries: 0\non_code_change: none");
        Project none = changed(w, "sum(amount) AS amount", "sum(amount) AS amount, max(amount) AS biggest");
        assertEquals(0, w.codeChange(none).run(w.tick()).runs(), "a new version that does not rebuild by itself");
        assertEquals(none.codeVersion("orders_daily"), w.schedule.deployedCode("orders_daily").orElseThrow().version());

        w.edit("orders_daily.yaml", "on_code_change: none", "on_code_change: { last: 2 }");
        Project lastTwo = changed(w, "max(amount) AS biggest", "min(amount) AS smallest");
        assertEquals(2, w.codeChange(lastTwo).run(w.tick()).runs());
        assertEquals(List.of("2026-05-10", "2026-05-11"), rebuilds(w).stream().map(Run::partition).sorted().toList());
    }

    @Test
    void aVersionDeployedAgainAfterARevertIsRebuiltAgain() {
        TickWorld w = built(tmp);
        String a = "sum(amount) AS amount";
        String b = "sum(amount) AS total";
        for (String[] deploy : List.of(new String[] {a, b}, new String[] {b, a}, new String[] {a, b})) {
            Project deployed = changed(w, deploy[0], deploy[1]);
            assertEquals(1, w.codeChange(deployed).run(w.tick()).runs(), "the deploy of " + deploy[1]);
            w.finishActiveRuns();
            w.clock.advance(Duration.ofMinutes(1));
        }
        assertEquals(3, rebuilds(w).size(), "B, A and B again: the newest partition was built by the version before each");
    }

    @Test
    void aTickThatDiedAfterNoticingTheChangeIsFinishedByTheNext() {
        TickWorld w = built(tmp);
        Project v2 = changed(w, "sum(amount) AS amount", "sum(amount) AS total");
        DeployedCode seen = w.schedule.deployedCode("orders_daily").orElseThrow();
        // The dead tick's first write: the new version, not applied; nothing requested yet.
        w.schedule.recordCode("orders_daily", Optional.of(seen), new DeployedCode(v2.codeVersion("orders_daily"), false, seen.firstSeen()));

        assertEquals(1, w.codeChange(v2).run(w.tick()).runs());
        assertEquals(1, rebuilds(w).size());
        assertTrue(w.schedule.deployedCode("orders_daily").orElseThrow().applied());
        assertEquals(0, w.codeChange(v2).run(w.tick()).runs());
    }
}
