package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.json.EventJson;
import io.freshet.local.demo.Demo;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The README's first command, {@code freshet demo}, end to end on the embedded stack built from
 * this repository's template.yaml and pipelines/: it must tell the whole story and exit 0.
 */
class DemoTest {

    @TempDir
    Path state;

    @Test
    void theDemoTellsTheWholeStoryAndExitsZero() throws Exception {
        StringWriter text = new StringWriter();
        int code = new Demo(new PrintWriter(text, true), Path.of(".."), state).run();
        String out = text.toString();
        assertEquals(0, code, out);
        assertTrue(out.contains("tick: metro_snapshot's cron (0 1 * * ? * Europe/Prague) fires"), out);
        assertTrue(out.matches("(?s).*run metro_snapshot/\\S+ SUCCEEDED: raw.stations 25 rows, checks 4/4.*"), out);
        assertTrue(out.matches("(?s).*run core_network/\\S+ SUCCEEDED.*why: condition raw.routes & raw.route_stations & raw.stations held.*"), out);
        assertTrue(out.matches("(?s).*run core_trips/\\S+ SUCCEEDED: core.trips \\d+ rows, checks 5/5.*"), out);
        assertTrue(out.matches("(?s).*run daily_ridership/\\S+ SUCCEEDED.*why: freshness: to stay fresh by cron\\(0 9 \\* \\* \\? \\*\\).*"), out);
        assertTrue(out.contains("mart.daily_ridership   derived"), out);
        assertTrue(out.contains("The story completed in"), out);

        // Every function's lines are JSON with time, level, function and message; every run state change is a line with its run.
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(state.resolve("logs").resolve("functions.jsonl"))) {
            lines.add(EventJson.read(line));
        }
        assertTrue(lines.size() > 50, "lines: " + lines.size());
        Set<String> functions = new TreeSet<>();
        for (JsonNode l : lines) {
            for (String field : List.of("time", "level", "function", "message")) {
                assertTrue(l.hasNonNull(field), field + " missing in " + l);
            }
            functions.add(l.path("function").asText());
            if (l.has("state")) {
                assertTrue(l.hasNonNull("runId") && l.hasNonNull("pipeline") && l.has("partition"), "a state change names its run: " + l);
            }
            if (l.path("message").asText().startsWith("asset ") || l.path("message").asText().startsWith("check ")) {
                assertTrue(l.hasNonNull("asset"), "names its asset: " + l);
            }
        }
        assertEquals(Set.of("publisher", "runner", "s3-events", "scheduler", "trigger"), functions);
        Map<String, Set<String>> states = new HashMap<>();
        lines.stream().filter(l -> l.has("state")).forEach(l -> states.computeIfAbsent(l.path("runId").asText(), k -> new TreeSet<>())
                .add(l.path("state").asText()));
        assertTrue(states.values().stream().allMatch(s -> s.contains("QUEUED") && s.contains("RUNNING") && s.size() >= 3), states.toString());
    }
}
