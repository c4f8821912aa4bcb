package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.location.StackParameters;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.snapshot.WatermarkRange;
import io.freshet.core.trigger.Request;
import io.freshet.engine.checks.CheckResult;

/** The decisions the attempt's phases make on their own, without a store: skip, checks, output keys and metadata. */
class AttemptPhasesTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final Pipeline TRIPS = METRO.pipeline("core_trips").orElseThrow();
    static final Pipeline SNAPSHOT = METRO.pipeline("metro_snapshot").orElseThrow();
    static final Instant NOW = Instant.parse("2026-05-26T09:00:00Z");

    static Run run(Pipeline p, String partition, List<String> consumed) {
        return new Run("run-1", p.name(), partition, RunState.RUNNING, "test", consumed, NOW, NOW, false, 1,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    // ------------------------------------------------------------------ skip

    @Test
    void onlyAnUnforcedRunWithoutSnapshotsMayBeSkipped() {
        assertTrue(SkipDecision.comparable(TRIPS, run(TRIPS, "2026-05-26", List.of("ev-1"))));
        assertFalse(SkipDecision.comparable(SNAPSHOT, run(SNAPSHOT, "2026-05-26", List.of())), "a database has no version to compare");
        Request forced = Request.manual("rq-1", "core_trips", "2026-05-26", true, NOW);
        assertFalse(SkipDecision.comparable(TRIPS, run(TRIPS, "2026-05-26", List.of(forced.id()))), "--force runs as asked");
    }

    @Test
    void theCodeVersionIsComparedAlongsideTheInputs() {
        Map<String, String> now = SkipDecision.versions(Map.of("landing.taps", "a,b", "raw.stations", "c"), "code-1");
        assertEquals(Map.of("landing.taps", "a,b", "raw.stations", "c", SkipDecision.CODE_VERSION_KEY, "code-1"), now);
        assertEquals(List.of("@code", "landing.taps", "raw.stations"), List.copyOf(now.keySet()), "sorted, as recorded");
    }

    // ------------------------------------------------------------------ checks

    static CheckResult check(String name, boolean blocking, boolean passed) {
        return new CheckResult("core.trips", name, "not_null", blocking, passed, passed ? 0 : 3, passed ? "" : "3 rows are null");
    }

    @Test
    void onlyAFailedBlockingCheckBlocksPublication() {
        ChecksPhase.Outcome warned = ChecksPhase.Outcome.of(List.of(check("a", true, true), check("b", false, false)));
        assertEquals(Optional.empty(), warned.blockedBecause());
        assertEquals(List.of("b"), warned.failed().stream().map(CheckResult::name).toList(), "a failed warning is still announced");

        ChecksPhase.Outcome blocked = ChecksPhase.Outcome.of(List.of(check("a", true, false), check("b", false, false), check("c", true, false)));
        assertEquals(Optional.of("blocking check(s) failed: core.trips a: 3 rows are null; core.trips c: 3 rows are null"), blocked.blockedBecause());
        assertEquals(3, blocked.failed().size());
    }

    // ------------------------------------------------------------------ publication

    @Test
    void anOutputIsWrittenUnderAKeyScopedToRunAndAttempt() {
        var out = TRIPS.outputs().get(0);
        Run run = run(TRIPS, "2026-05-26", List.of());
        String key = PublicationPhase.layout(out, StackParameters.lakeBucket("lake")).dataKey(run.partition(), run.runId(), 2);
        assertTrue(key.endsWith("/date=2026-05-26/run-1-2.parquet"), key);
        assertFalse(key.contains("run="), "no folder adds a column to readers of the prefix: " + key);
        assertFalse(key.startsWith("s3://"), key);
    }

    @Test
    void anOutputEventCarriesItsTableFactsBytesAndChecks() {
        TableFacts facts = new TableFacts("raw.stations", 25, Optional.of("abc"),
                Optional.of(new WatermarkRange(Optional.of("2026-05-25T00:00:00"), Optional.of("2026-05-26T00:00:00"))));
        Map<String, String> m = PublicationPhase.metadata(facts, 1234,
                List.of(new CheckResult("raw.stations", "ids", "unique", true, true, 0, ""), check("other", true, true)), "raw.stations");
        assertEquals("25", m.get("rows"));
        assertEquals("1234", m.get("bytes"));
        assertEquals("abc", m.get("schemaHash"));
        assertEquals("passed", m.get("check.ids"));
        assertFalse(m.containsKey("check.other"), "another asset's check");
        assertTrue(m.keySet().containsAll(facts.watermarks().orElseThrow().metadata().keySet()), m.toString());
        assertEquals(Map.of("rows", "7"), TableFacts.rows("core.p", 7).metadata());
    }
}
