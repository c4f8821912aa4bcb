package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.cli.FreshetCli;
import io.freshet.aws.json.EventJson;
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

    static JsonNode find(JsonNode array, String asset) {
        for (JsonNode n : array) {
            if (n.path("asset").asText().equals(asset)) {
                return n;
            }
        }
        throw new AssertionError("no " + asset + " in " + array);
    }
}
