package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.cli.FreshetCli;
import io.freshet.aws.json.EventJson;
import io.freshet.core.runs.Run;
import io.freshet.cli.operate.EmbeddedStackFile;
import io.freshet.local.stack.EmbeddedFanOut;

/** {@code freshet page} against a running local stack: one HTML file holding the stack's state. */
class PageCommandTest {

    @TempDir
    Path tmp;

    @Test
    void thePageCommandWritesTheStacksStateIntoOneFile() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.clock.advance(Duration.ofMinutes(1));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n2,20\n");
            Path f = tmp.resolve("stack.json");
            new EmbeddedStackFile(EmbeddedFanOut.TABLE, EmbeddedFanOut.BUS, TimeWorld.LAKE, w.stack.dynamo().endpoint(), w.stack.bus().endpoint(),
                    w.s3.endpoint()).write(f);
            Path out = tmp.resolve("site").resolve("lineage.html");

            StringWriter stdout = new StringWriter();
            StringWriter stderr = new StringWriter();
            int code = FreshetCli.run(new String[] {"page", "--output", out.toString(), "--pipelines", w.projectDir.toString(),
                    "--local-stack", f.toString(), "--zone", "UTC"}, new PrintWriter(stdout), new PrintWriter(stderr), w.clock);
            assertEquals(0, code, stderr.toString());
            assertTrue(stdout.toString().startsWith("wrote " + out + ": " + w.project.graph().assets().size() + " assets (0 overdue) of the local stack"),
                    stdout.toString());

            String html = Files.readString(out);
            int from = html.indexOf(DATA) + DATA.length();
            // The stack's endpoint is data, shown as text; the page itself refers to nothing outside it.
            String page = html.substring(0, from) + html.substring(html.indexOf("</script>", from));
            assertFalse(page.matches("(?s).*(?i)(https?://|src=|<link).*"), "nothing to fetch");
            JsonNode data = EventJson.read(data(html));
            assertEquals("2026-05-11 10:01:00", data.path("generatedAtText").asText());
            JsonNode orders = data.path("assets").path("core.orders");
            assertEquals("fresh", orders.path("state").asText());
            assertEquals("orders_daily", orders.path("producer").asText());
            assertEquals("2026-05-11", orders.path("events").path(0).path("partition").asText());
            assertEquals("run", orders.path("events").path(0).path("producer").asText());
            assertEquals("1", orders.path("events").path(0).path("rows").asText());
            assertTrue(orders.path("checks").path(0).path("passed").asBoolean(), orders.toString());
            assertEquals("s3_upload", data.path("assets").path("shop.orders").path("events").path(0).path("producer").asText());
            assertEquals("none", data.path("assets").path("mart.summary").path("state").asText());
            Run run = w.runs("orders_daily").get(0);
            JsonNode runJson = data.path("pipelines").path("orders_daily").path("runs").path(0);
            assertEquals(run.runId(), runJson.path("runId").asText());
            assertEquals("SUCCEEDED", runJson.path("state").asText());
            assertEquals("shop.orders", runJson.path("consumed").path(0).path("asset").asText());
            assertEquals(orders.path("events").path(0).path("by").asText(), run.runId());

            // Without --zone, the machine's zone: none of the example's.
            TimeZone before = TimeZone.getDefault();
            try {
                TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
                assertEquals(0, FreshetCli.run(new String[] {"page", "--output", out.toString(), "--pipelines", w.projectDir.toString(),
                        "--local-stack", f.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(stderr), w.clock), stderr.toString());
                assertEquals("2026-05-11 19:01:00", EventJson.read(data(Files.readString(out))).path("generatedAtText").asText());
            } finally {
                TimeZone.setDefault(before);
            }

            StringWriter err = new StringWriter();
            assertEquals(2, FreshetCli.run(new String[] {"page", "--pipelines", w.projectDir.toString(), "--local-stack",
                    tmp.resolve("nope.json").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err), w.clock));
            assertFalse(err.toString().isBlank());
        }
    }

    private static final String DATA = "<script type=\"application/json\" id=\"freshet-data\">";

    /** The page's data: the JSON inside its data script. */
    private static String data(String html) {
        int from = html.indexOf(DATA) + DATA.length();
        return html.substring(from, html.indexOf("</script>", from));
    }
}
