package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * library (docs/performance.md, "Cold start"). The runner's handler runs in a JVM of its own, built
 * as Lambda builds it, with DuckDB's driver on its class path, and {@code -Xlog:class+load} writes
 * every class that JVM loads to a file: the JVM's own record, complete, which no in-process check
 * can be (this test JVM has loaded DuckDB for other tests already).
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
            Path classes = tmp.resolve("classes.log");

            ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load:file=" + classes, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    RunnerHandlerMain.class.getName(), event.toString(), event.toString())
                    .redirectErrorStream(true);
            child.environment().remove("JAVA_TOOL_OPTIONS");
            child.environment().putAll(Map.of("FRESHET_TABLE", "state", "FRESHET_LAKE_BUCKET", "lake",
                    "FRESHET_PIPELINES_DIR", Path.of("../../pipelines").toAbsolutePath().normalize().toString(),
                    "FRESHET_ENDPOINT_DYNAMODB", dynamo.endpoint().toString(), "FRESHET_ENDPOINT_S3", s3.endpoint().toString(),
                    "FRESHET_ENDPOINT_EVENTBRIDGE", bus.endpoint().toString(), "FRESHET_SCRATCH_DIR", tmp.resolve("scratch").toString(),
                    "FRESHET_LOG_FILE", tmp.resolve("runner.jsonl").toString(), "AWS_REGION", LocalS3.REGION.id()));
            child.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local"));
            child.environment().remove("AWS_SESSION_TOKEN");
            Process p = child.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM ends");

            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("{\"state\":\"SKIPPED\"}\n{\"state\":\"ALREADY_RUNNING\"}"), "skipped, then the redelivery ignored: " + output);
            assertEquals(RunState.SKIPPED, store.runs().run(run.runId()).orElseThrow().state());
            List<String> loaded = Files.readAllLines(classes);
            assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.freshet.runner.RunAttempt ")), "the run went through an attempt");
            assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.freshet.runner.AttemptEnding ")), "and its ending");
            assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" org.duckdb.")).toList(), "no class of DuckDB's driver was loaded");
        }
    }
}
