package io.freshet.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.load.Project;
import io.freshet.lineage.RunLineage;
import io.freshet.publisher.PublisherService;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;

/**
 * The runner's real stack as its end-to-end tests run it: DynamoDB Local for the state, S3Proxy
 * with the lake bucket, and the lake's tables publishing what a runner stages ({@link TestLake}).
 * One per test class ({@code @RegisterExtension static final RunnerTestStack}), started before its
 * first test and stopped after its last (the files its worlds wrote deleted with it), because
 * starting them is the slow part; each test takes a {@link #world} of its own on it, so that no
 * test sees another's runs, announcements, log or files.
 */
final class RunnerTestStack implements BeforeAllCallback, AfterAllCallback {

    static final String LAKE = "lake";

    private final AtomicInteger worlds = new AtomicInteger();
    private LocalDynamo dynamo;
    private LocalS3 s3;
    private TestLake lake;
    private Path files;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        lake = TestLake.start(s3);
        s3.createBucket(LAKE);
        files = Files.createTempDirectory("runner-test-");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        lake.close();
        s3.close();
        dynamo.close();
        try (Stream<Path> all = Files.walk(files)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /**
     * A world on a state table and a directory of its own, its clock starting at {@code start}. A
     * test class takes it in a field's initialiser ({@code final World world = STACK.world(...)}),
     * so that each test has a new one: the stack is up by then, as JUnit makes a test's instance
     * after the class's {@code beforeAll}.
     */
    World world(Instant start) {
        int n = worlds.incrementAndGet();
        MutableClock clock = new MutableClock(start);
        String table = "runner-" + n;
        DynamoStateStore.createTable(dynamo.client(), table);
        try {
            return new World(lake, new DynamoStateStore(dynamo.client(), table, clock), new ObjectStore(s3.client()), clock,
                    new CopyOnWriteArrayList<>(), new ByteArrayOutputStream(), Files.createDirectories(files.resolve("world-" + n)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A world that holds, one snapshot each, the dimensions the metro's core_trips reads as
     * 'latest': stations s1 and s2, and the passengers {@code passengers} (SQL VALUES rows of
     * card_id and fare_category).
     */
    World metroWorld(Instant start, String passengers) {
        World world = world(start);
        try {
            world.source("raw.stations", "2026-05-25", world.parquet("SELECT * FROM (VALUES ('s1','Muzeum','A'), ('s2','Florenc','B')) t(station_id, name, line)"));
            world.source("raw.passengers", "2026-05-25", world.parquet("SELECT * FROM (VALUES " + passengers + ") t(card_id, fare_category)"));
        } catch (Exception e) {
            // unchecked: a field's initialiser, which takes the world, cannot throw a checked exception
            throw new IllegalStateException("could not write the metro's dimensions", e);
        }
        return world;
    }

    /**
     * One test's world on the stack: its state store, the lake bucket's objects, the clock the test
     * moves, every announcement noted as {@code "<detail-type> <json>"} (the bus of {@link TestLake}),
     * the runners' JSON log, kept so that a test can read what was logged, and the directory for
     * the test's files (the runners' scratch space is in it too).
     */
    record World(TestLake lake, StateStore store, ObjectStore objects, MutableClock clock, List<String> announced,
                 ByteArrayOutputStream log, Path tmp) {

        RunnerService runner(Project project, FaultPoints faults) {
            return runner(project, faults, RunLineage.NONE);
        }

        /**
         * A runner of {@code project} whose staged outputs the bus delivers to {@link #publisher}; both
         * reach {@code faults} and emit OpenLineage events to {@code lineage}, as on AWS both send
         * them to the bus. Snapshots of databases are no part of these tests: taking one fails.
         */
        RunnerService runner(Project project, FaultPoints faults, RunLineage lineage) {
            return new RunnerService(project, store, objects, TestLake.bus(announced, publisher(project, faults, lineage)), LAKE,
                    (p, step, partition, watermarks, dir) -> { throw new UnsupportedOperationException("no snapshots in these tests"); },
                    clock, new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), clock, Map.of()), tmp.resolve("scratch"), faults)
                    .withLineage(lineage);
        }

        /** A publisher of its own namespace in the lake's tables, announcing to {@link #announced}. */
        PublisherService publisher(Project project, FaultPoints faults, RunLineage lineage) {
            return lake.publisher(project, store, LAKE, announced, clock, faults, lineage);
        }

        /** Uploads a file and records it as an asset event, as s3-events or a runner would. */
        AssetEvent source(String asset, String partition, Path file) {
            return RunnerFixtures.source(objects, store, clock, LAKE, asset, partition, file);
        }

        Path parquet(String select) throws Exception {
            return RunnerFixtures.parquet(tmp, select);
        }

        /** The details of the announcements of {@code type}, in the order they were made. */
        List<JsonNode> announcements(String type) {
            return announced.stream().filter(a -> a.startsWith(type + " ")).map(a -> EventJson.read(a.substring(type.length() + 1))).toList();
        }
    }
}
