package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.events.Ids;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.Request;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.testkit.LocalS3;

/**
 * A run that needs no DuckDB loads none of it, so its cold start pays nothing for DuckDB's native
 * library, and the handler's init loads no OpenLineage (docs/performance.md, "Cold start"): what a
 * JVM of the handler's own loads, by its class-load log ({@link HandlerJvm}).
 */
class NoDuckDbRunTest {

    static final String PARTITION = "2026-05-26";

    @Test
    void aRunWhoseInputsHaveNoDataAndARedeliveredOneLoadNoDuckDbClass(@TempDir Path tmp) throws Exception {
        assertNotNull(getClass().getClassLoader().getResource("org/duckdb/DuckDBNative.class"), "DuckDB's driver is on the class path the child gets");
        try (LocalDynamo dynamo = LocalDynamo.start(); LocalS3 s3 = LocalS3.start(); LocalEventBridge bus = LocalEventBridge.start()) {
            DynamoStateStore.createTable(dynamo.client(), "state");
            StateStore store = new DynamoStateStore(dynamo.client(), "state", Clock.systemUTC());
            s3.createBucket("lake");
            // core_network asked for by hand (as materialize asks) for a day none of its inputs has data for.
            Request manual = Request.manual("by-hand", "core_network", PARTITION, Instant.now());
            Run run = store.runs().tryCreate(store.consumers().view("core_network", PARTITION),
                    Ids.run("core_network", PARTITION, List.of(manual.id())), List.of(manual.asPending()), "test").orElseThrow();
            Path event = Files.writeString(tmp.resolve("run-requested.json"), "{\"runId\":\"" + run.runId() + "\"}");
            HandlerJvm child = HandlerJvm.run(tmp, environment(tmp, dynamo.endpoint().toString(), s3.endpoint().toString(),
                    bus.endpoint().toString()), event, event);

            assertEquals(0, child.exitValue(), child.output());
            assertTrue(child.output().contains("{\"state\":\"SKIPPED\"}\n{\"state\":\"ALREADY_RUNNING\"}"),
                    "skipped, then the redelivery ignored: " + child.output());
            assertEquals(RunState.SKIPPED, store.runs().run(run.runId()).orElseThrow().state());
            assertEquals(1, child.loadedOf("io.freshet.runner.RunAttempt ").size(), "the run went through an attempt");
            assertEquals(1, child.loadedOf("io.freshet.runner.AttemptEnding ").size(), "and its ending");
            assertEquals(List.of(), child.loadedOf("org.duckdb."), "no class of DuckDB's driver was loaded");
            assertTrue(child.loadedOf("io.openlineage.").size() > 100, "OpenLineage, though: the skipped run's START and COMPLETE went to the bus");
        }
    }

    /**
     * The handler's init loads no class of OpenLineage either: its builders are made with the first
     * event (a run's START), not with the handler. A skipped run does build events (its START and
     * COMPLETE go to the bus), so it loads them in its invocation, as the run above does.
     */
    @Test
    void theHandlersInitLoadsNoOpenLineageClass(@TempDir Path tmp) throws Exception {
        // Nothing is invoked, so nothing is connected to: endpoints where nothing listens do.
        String nowhere = "http://127.0.0.1:9";
        HandlerJvm init = HandlerJvm.run(tmp, environment(tmp, nowhere, nowhere, nowhere));

        assertEquals(0, init.exitValue(), init.output());
        assertEquals(1, init.loadedOf("io.freshet.lineage.RunLineage ").size(), "the handler has its lineage: " + init.loadedOf("io.freshet."));
        assertEquals(List.of(), init.loadedOf("io.openlineage."), "no class of OpenLineage was loaded");
    }

    /** The runner's environment, as template.yaml gives it (OpenLineage to the bus, by default), on the local servers at these endpoints. */
    static Map<String, String> environment(Path tmp, String dynamo, String s3, String bus) {
        return Map.of("FRESHET_TABLE", "state", "FRESHET_LAKE_BUCKET", "lake",
                "FRESHET_PIPELINES_DIR", Path.of("../../pipelines").toAbsolutePath().normalize().toString(),
                "FRESHET_ENDPOINT_DYNAMODB", dynamo, "FRESHET_ENDPOINT_S3", s3, "FRESHET_ENDPOINT_EVENTBRIDGE", bus,
                "FRESHET_SCRATCH_DIR", tmp.resolve("scratch").toString(), "FRESHET_LOG_FILE", tmp.resolve("runner.jsonl").toString(),
                "AWS_REGION", LocalS3.REGION.id());
    }
}
