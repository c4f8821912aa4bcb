package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.local.demo.Demo;

/**
 * The README's first command, {@code freshet demo}, end to end on the embedded stack built from
 * this repository's template.yaml and pipelines/: it must tell the whole story and exit 0.
 */
class DemoTest {

    @TempDir
    Path state;

    @Test
    void theDemoTellsTheWholeStoryAndExitsZero() {
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
    }
}
