package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.cli.FreshetCli;
import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.runs.Run;
import io.freshet.cli.operate.EmbeddedStackFile;
import io.freshet.local.stack.EmbeddedFanOut;

/**
 * status, events, runs and why against a running local stack, as tables and as JSON: each answer
 * checked against what the store holds after a small story (an export, its run, a consumer's run).
 */
class ObserveCommandsTest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result cli(TimeWorld w, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FreshetCli.run(args, new PrintWriter(out), new PrintWriter(err), w.clock);
        return new Result(code, out.toString(), err.toString());
    }

    String[] with(TimeWorld w, Path f, String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--pipelines";
        all[args.length + 1] = w.projectDir.toString();
        all[args.length + 2] = "--local-stack";
        all[args.length + 3] = f.toString();
        all[args.length + 4] = "--zone";
        all[args.length + 5] = "UTC";
        return all;
    }

    @Test
    void everyCommandAnswersFromTheStore() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.clock.advance(Duration.ofMinutes(1));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n2,20\n");
            Path f = tmp.resolve("stack.json");
            new EmbeddedStackFile(EmbeddedFanOut.TABLE, EmbeddedFanOut.BUS, TimeWorld.LAKE,
                    w.stack.dynamo().endpoint(), w.stack.bus().endpoint(), w.s3.endpoint()).write(f);

            Result status = cli(w, with(w, f, "status"));
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().matches("(?s).*core\\.orders\\s+derived\\s+2026-05-11\\s+05-11 10:01\\s+1\\s+1/1\\s+fresh.*"), status.out());
            assertTrue(status.out().matches("(?s).*shop\\.orders\\s+s3 source\\s+2026-05-11.*"), status.out());
            JsonNode statusJson = EventJson.read(cli(w, with(w, f, "status", "--json")).out());
            JsonNode orders = find(statusJson, "core.orders");
            assertEquals("2026-05-11", orders.path("partition").asText());
            assertEquals(1, orders.path("rows").asLong());
            assertEquals("fresh", orders.path("freshness").asText());
            assertTrue(orders.path("checks").path("row_count").asText().startsWith("passed"), orders.toString());
            assertEquals("none", find(statusJson, "mart.summary").path("freshness").asText());

            Result events = cli(w, with(w, f, "events", "shop.orders"));
            assertTrue(events.out().contains("2026-05-11 10:01:00  2026-05-11    s3_upload"), events.out());
            JsonNode eventsJson = EventJson.read(cli(w, with(w, f, "events", "core.orders", "--partition", "2026-05-11", "--json")).out());
            assertEquals(1, eventsJson.size());
            assertEquals("run", eventsJson.get(0).path("producer").path("kind").asText());

            Run trips = w.runs("orders_daily").get(0);
            Result runs = cli(w, with(w, f, "runs", "--pipeline", "orders_daily"));
            assertTrue(runs.out().matches("(?s).*orders_daily/2026-05-11\\s+SUCCEEDED " + trips.runId() + "\\s+attempt 1.*"), runs.out());
            assertTrue(runs.out().contains("why:      condition shop.orders held with new events: shop.orders x1"), runs.out());
            JsonNode failed = EventJson.read(cli(w, with(w, f, "runs", "--state", "failed", "--json")).out());
            assertEquals(0, failed.size());

            Run summary = w.runs("summary").get(0);
            Result why = cli(w, with(w, f, "why", summary.runId()));
            assertEquals(0, why.code(), why.err());
            assertTrue(why.out().contains("run summary/ SUCCEEDED"), why.out());
            assertTrue(why.out().contains("<- core.orders/2026-05-11 at 2026-05-11 10:01:00, run " + trips.runId()), why.out());
            assertTrue(why.out().contains("made by run orders_daily/2026-05-11 SUCCEEDED"), why.out());
            assertTrue(why.out().contains("<- shop.orders/2026-05-11 at 2026-05-11 10:01:00, s3_upload s3://lake/landing/orders/date=2026-05-11/a.csv"), why.out());
            JsonNode whyJson = EventJson.read(cli(w, with(w, f, "why", summary.runId(), "--json")).out());
            assertEquals(trips.runId(), whyJson.path("because").get(0).path("run").path("runId").asText());

            Result unknown = cli(w, with(w, f, "why", "run-nope"));
            assertEquals(2, unknown.code());
            assertTrue(unknown.err().contains("no run run-nope"), unknown.err());
        }
    }

    /**
     * Two partitions of core.orders: 2026-05-11 built by the deployed code, 2026-05-10 recorded as
     * built by an older version. Only the older is stale, in the table and in JSON. The local
     * checkout is then edited: status still compares with what the stack's scheduler recorded as
     * deployed, so its answer does not change.
     */
    @Test
    void statusMarksPartitionsBuiltByOlderCode() throws IOException {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.clock.advance(Duration.ofMinutes(1));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n2,20\n");
            String current = w.project.codeVersion("orders_daily");
            String older = "0ld" + current.substring(3);
            w.stack.store().events().record(new AssetEvent("evt-older-code", "core.orders", "2026-05-10",
                    Instant.parse("2026-05-10T22:30:00Z"), new Producer(Producer.Kind.RUN, "run-older"), "dv-older",
                    Optional.of(older), List.of("s3://lake/core/orders/date=2026-05-10/part-0.parquet"), Map.of("rows", "3")));
            Path f = tmp.resolve("stack.json");
            new EmbeddedStackFile(EmbeddedFanOut.TABLE, EmbeddedFanOut.BUS, TimeWorld.LAKE,
                    w.stack.dynamo().endpoint(), w.stack.bus().endpoint(), w.s3.endpoint()).write(f);
            Path yaml = w.projectDir.resolve("pipelines/orders_daily.yaml");
            Files.writeString(yaml, Files.readString(yaml).replace("sum(amount) AS amount", "sum(amount) AS total"));

            Result status = cli(w, with(w, f, "status"));
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().matches("(?s).*core\\.orders\\s+derived\\s+2026-05-11\\s+05-11 10:01\\s+1\\s+1/1\\s+fresh\\s+1 stale.*"), status.out());
            assertTrue(status.out().matches("(?s).*mart\\.summary\\s+derived\\s+\\S+\\s+05-11 10:01[^\\n]*current.*"), status.out());
            assertTrue(status.out().contains("stale: core.orders/2026-05-10 built with code 0ld" + current.substring(3, 7)
                    + ", now " + current.substring(0, 7) + "\n"), status.out());
            assertFalse(status.out().contains("stale: core.orders/2026-05-11"), status.out());
            assertFalse(status.out().contains("stale: mart."), status.out());
            assertTrue(status.out().contains("code: compared with the versions the stack's scheduler recorded as deployed\n"), status.out());

            JsonNode orders = find(EventJson.read(cli(w, with(w, f, "status", "--json")).out()), "core.orders");
            assertTrue(orders.path("stale").asBoolean(), orders.toString());
            assertEquals(current, orders.path("codeVersion").asText());
            assertEquals(current, orders.path("currentCodeVersion").asText());
            assertEquals("stack", orders.path("currentCodeVersionFrom").asText());
            assertEquals(2, orders.path("partitionsChecked").asInt());
            JsonNode stale = orders.path("stalePartitions");
            assertEquals(1, stale.size(), orders.toString());
            assertEquals("2026-05-10", stale.get(0).path("partition").asText());
            assertTrue(stale.get(0).path("stale").asBoolean());
            assertEquals(older, stale.get(0).path("codeVersion").asText());
            assertEquals(current, stale.get(0).path("currentCodeVersion").asText());
        }
    }

    /** Before the scheduler's first tick the stack has recorded no deployed code: status says it used the checkout's. */
    @Test
    void statusComparesWithTheLocalCheckoutWhenTheSchedulerHasNotSeenAPipeline() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            Path f = tmp.resolve("stack.json");
            new EmbeddedStackFile(EmbeddedFanOut.TABLE, EmbeddedFanOut.BUS, TimeWorld.LAKE,
                    w.stack.dynamo().endpoint(), w.stack.bus().endpoint(), w.s3.endpoint()).write(f);

            Result status = cli(w, with(w, f, "status"));
            assertTrue(status.out().matches("(?s).*core\\.orders\\s+derived\\s+2026-05-11[^\\n]*current.*"), status.out());
            assertTrue(status.out().contains("and the local checkout's for "), status.out());
            assertTrue(status.out().matches("(?s).*the local checkout's for [^\\n]*orders_daily.*"), status.out());
            JsonNode orders = find(EventJson.read(cli(w, with(w, f, "status", "--json")).out()), "core.orders");
            assertEquals("local", orders.path("currentCodeVersionFrom").asText());
            assertEquals(w.project.codeVersion("orders_daily"), orders.path("currentCodeVersion").asText());
            assertFalse(orders.path("stale").asBoolean(), orders.toString());
        }
    }

    static JsonNode find(JsonNode array, String asset) {
        for (JsonNode n : array) {
            if (n.path("asset").asText().equals(asset)) {
                return n;
            }
        }
        throw new AssertionError("no " + asset + " in " + array);
    }
}
