package io.freshet.cli.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;

/** The page's HTML: self-contained (nothing fetched from anywhere) and its data embedded safely. */
class LineagePageTest {

    static final Project METRO = GraphLayoutTest.METRO;

    @Test
    void thePageReferencesNothingOutsideItself() {
        String html = LineagePage.render(unmaterialized(METRO, Map.of()));
        Matcher web = Pattern.compile("(?i)https?://|(?i)\\bsrc\\s*=|<link\\b|@import|@font-face").matcher(html);
        assertFalse(web.find(), () -> "an external reference: ..." + html.substring(Math.max(0, web.start() - 80), Math.min(html.length(), web.end() + 80)));
        Matcher url = Pattern.compile("url\\(([^)]*)\\)").matcher(html);
        while (url.find()) {
            assertTrue(url.group(1).startsWith("#"), "only references inside the page: " + url.group());
        }
        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
        assertTrue(html.contains("<pre id=\"errors\" hidden></pre>"));
    }

    @Test
    void theDataIsEmbeddedAsJsonWithEveryAssetAndItsPlace() {
        String html = LineagePage.render(unmaterialized(METRO, Map.of()));
        JsonNode data = embedded(html);
        assertEquals(12, data.path("assets").size());
        assertEquals(12, data.path("nodes").size());
        List<String> names = new ArrayList<>();
        data.path("nodes").forEach(n -> names.add(n.path("asset").asText()));
        assertTrue(names.containsAll(List.of("landing.taps", "metro.db", "raw.stations", "raw.routes", "raw.route_stations", "raw.passengers",
                "raw.taps", "core.network", "core.trips", "mart.daily_ridership", "metro.stations", "core.station_directory")), names.toString());
        assertEquals("never", data.path("assets").path("core.trips").path("state").asText());
        assertEquals("core_trips", data.path("assets").path("core.trips").path("producer").asText());
        assertEquals("metro_snapshot", data.path("pipelines").path("metro_snapshot").path("name").asText());
        assertTrue(data.path("edges").size() >= 12, data.path("edges").toString());
    }

    @Test
    void textFromThePipelinesCannotEndTheDataScriptEarly() {
        String hostile = "</script><script>alert(1)</script> <!-- & \u2028 \"quoted\"";
        String html = LineagePage.render(unmaterialized(METRO, Map.of("core.trips", hostile)));
        assertEquals(3, html.split("</script>", -1).length - 1, "the capture script, the data and the page's script");
        assertFalse(html.contains("<!--"));
        assertEquals(hostile, embedded(html).path("assets").path("core.trips").path("description").asText());
    }

    @Test
    void thePageInlinesItsHtmlStyleAndScriptFilesVerbatim() {
        String html = LineagePage.render(unmaterialized(METRO, Map.of()));
        for (String file : List.of("capture.js", "page.css", "page.js")) {
            String text = PageAssets.read(file);
            assertTrue(text.length() > 500, file + " is too short to be the real thing: " + text);
            assertTrue(html.contains("\n" + text + "</"), file + " is not inlined whole into the page");
        }
        String template = PageAssets.read("page.html");
        String data = "<script type=\"application/json\" id=\"freshet-data\">";
        assertEquals(template.substring(0, template.indexOf("{{CAPTURE}}")), html.substring(0, template.indexOf("{{CAPTURE}}")));
        assertTrue(html.endsWith("</script>\n</body>\n</html>\n"), html.substring(html.length() - 40));
        assertTrue(template.contains(data + "{{DATA}}</script>"), template);
        assertFalse(html.contains("{{"), "every placeholder is filled");
    }

    @Test
    void thePageFilesReachTheClassPathAsWrittenNotFilteredByMaven() throws IOException {
        // The pom filters src/main/resources-filtered for the version; a ${...} in the page's
        // JavaScript must never be replaced, so the files live in src/main/resources and reach the
        // class path byte for byte (the tests run in cli/).
        for (String file : List.of("page.html", "capture.js", "page.css", "page.js")) {
            Path source = Path.of("src/main/resources/io/freshet/cli/page", file);
            assertTrue(Files.isRegularFile(source), source.toAbsolutePath() + " is where the page's files are kept");
            assertEquals(Files.readString(source), PageAssets.read(file), file);
        }
    }

    @Test
    void aMissingPageFileFailsNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PageAssets.read("no-such.js"));
        assertTrue(e.getMessage().contains("no-such.js") && e.getMessage().contains("src/main/resources/io/freshet/cli/page/"), e.getMessage());
    }

    static JsonNode embedded(String html) {
        String open = "<script type=\"application/json\" id=\"freshet-data\">";
        int from = html.indexOf(open) + open.length();
        return EventJson.read(html.substring(from, html.indexOf("</script>", from)));
    }

    /** A page with no state at all: every asset never materialized; descriptions may be replaced. */
    static PageData unmaterialized(Project p, Map<String, String> descriptions) {
        List<PageData.AssetView> assets = new ArrayList<>();
        for (String a : p.graph().topologicalOrder()) {
            assets.add(new PageData.AssetView(a, p.source(a).isPresent() ? "s3 source" : "derived", descriptions.getOrDefault(a, "about " + a),
                    PageData.NEVER, Optional.empty(), Optional.empty(), p.graph().producer(a), List.copyOf(p.graph().consumers(a)),
                    List.copyOf(p.graph().directUpstream(a)), List.copyOf(p.graph().directDownstream(a)), List.of(), List.of()));
        }
        Map<String, PageData.PipelineView> pipelines = new LinkedHashMap<>();
        p.pipelines().forEach(x -> pipelines.put(x.name(), new PageData.PipelineView(x.name(), x.description(), x.describeTrigger(), Optional.empty(), List.of())));
        return new PageData(new PageData.Context("a test", ZoneId.of("Europe/Prague"), Instant.parse("2026-05-12T08:00:00Z"), false),
                GraphLayout.of(p.graph()), assets, pipelines);
    }
}
