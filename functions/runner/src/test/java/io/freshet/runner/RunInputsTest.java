package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.JsonLog;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.state.StateStore;
import io.freshet.state.memory.MemoryStateStore;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;
import io.freshet.state.protocol.FaultPoints;

/**
 * The inputs phase on the in-memory state store and S3Proxy: what each input of core_trips is read from when its run
 * consumed nothing of it, through the input's partition mapping, and when there is nothing to read.
 */
class RunInputsTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final Pipeline TRIPS = METRO.pipeline("core_trips").orElseThrow();
    static final String LAKE = "lake";

    static LocalS3 s3;

    StateStore store;
    ObjectStore objects;
    RunInputs inputs;
    final MutableClock clock = new MutableClock(Instant.parse("2026-05-26T09:00:00Z"));
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        s3.createBucket(LAKE);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @BeforeEach
    void freshStore() {
        store = new MemoryStateStore(clock); // the store's contract tests hold it to DynamoDB's behaviour
        objects = new ObjectStore(s3.client());
        JsonLog quiet = new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of());
        inputs = new RunInputs(new RunnerParts(METRO, store, objects, (type, json) -> { }, StackParameters.lakeBucket(LAKE), null, clock, quiet, tmp, FaultPoints.NONE,
                null, null));
    }

    AssetEvent upload(String asset, String partition, String name) throws Exception {
        Path f = Files.writeString(tmp.resolve(name), "tap_id,card_id\n1,c1\n");
        return RunnerFixtures.source(objects, store, clock, LAKE, asset, partition, f);
    }

    static Run run(String partition, List<String> consumed) {
        Instant t = Instant.parse("2026-05-26T09:00:00Z");
        return new Run("run-1", TRIPS.name(), partition, RunState.RUNNING, "test", consumed, t, t, false, 1,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void aLatestInputReadsTheNewestEventWhateverItsPartitionAndAnIdentityInputItsOwnPartition() throws Exception {
        upload("raw.stations", "2026-05-20", "stations-old.csv");
        AssetEvent stations = upload("raw.stations", "2026-05-24", "stations.csv");
        AssetEvent passengers = upload("raw.passengers", "2026-05-01", "passengers.csv");
        AssetEvent otherDay = upload("landing.taps", "2026-05-25", "taps-25.csv");
        AssetEvent taps = upload("landing.taps", "2026-05-26", "taps-26.csv");

        RunInputs.Resolved.Ready ready = assertInstanceOf(RunInputs.Resolved.Ready.class, inputs.resolve(TRIPS, run("2026-05-26", List.of())));

        assertEquals(List.of(stations.eventId()), ids(ready, "raw.stations"));
        assertEquals(List.of(passengers.eventId()), ids(ready, "raw.passengers"));
        assertEquals(List.of(taps.eventId()), ids(ready, "landing.taps"), "not " + otherDay.eventId());
        assertEquals(Map.of("landing.taps", taps.dataVersion(), "raw.passengers", passengers.dataVersion(), "raw.stations", stations.dataVersion()),
                ready.versions());
    }

    @Test
    void anInputWithNoDataForThePartitionYetLeavesNothingToCompute() throws Exception {
        upload("raw.stations", "2026-05-24", "stations.csv");
        upload("raw.passengers", "2026-05-01", "passengers.csv");
        upload("landing.taps", "2026-05-25", "taps-25.csv");

        RunInputs.Resolved resolved = inputs.resolve(TRIPS, run("2026-05-26", List.of()));

        assertEquals(new RunInputs.Resolved.Missing("input 'landing.taps' has no data for partition '2026-05-26' yet"
                + ": no live object (each deleted, emptied or not data)"), resolved);
    }

    private static List<String> ids(RunInputs.Resolved.Ready ready, String asset) {
        return ready.events().get(asset).stream().map(AssetEvent::eventId).toList();
    }
}
