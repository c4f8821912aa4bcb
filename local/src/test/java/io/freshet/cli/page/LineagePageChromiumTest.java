package io.freshet.cli.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.cli.operate.KeyStatus;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.demo.Demo;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.testkit.MutableClock;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The lineage page of the metro example in a real browser: headless Chromium loads the file the
 * page command would write (from file://, so with no network), after a night on the embedded
 * stack: the 01:00 snapshot, the network, the last tap export of the day, core.trips built from
 * it, then an hour with no export, so landing.taps is overdue. What Chromium's DOM shows after the
 * page's script ran is checked: every asset drawn, no error of any kind, and a click (through the
 * address's {@code #select=}) showing the asset's events, runs and checks.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LineagePageChromiumTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");
    static final LocalDate DAY = LocalDate.parse("2026-05-11");
    static final List<String> ASSETS = List.of("landing.taps", "metro.db", "raw.stations", "raw.routes", "raw.route_stations",
            "raw.passengers", "raw.taps", "core.network", "core.trips", "mart.daily_ridership", "metro.stations", "core.station_directory");

    @TempDir
    static Path tmp;

    static EmbeddedStack stack;
    static PageData data;
    static Path page;

    @BeforeAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void aNightOnTheEmbeddedStack() throws IOException {
        if (System.getenv("FRESHET_REQUIRE_CHROMIUM") != null && !Files.isExecutable(CHROMIUM)) {
            // CI sets it: there the page must be read by a browser we did not write, never skipped.
            throw new IllegalStateException("FRESHET_REQUIRE_CHROMIUM is set but there is no Chromium at " + CHROMIUM
                    + " (Debian: apt-get install chromium)");
        }
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + ": the browser test of the lineage page is skipped");
        MutableClock clock = new MutableClock(at(DAY.plusDays(1), "00:58"));
        stack = EmbeddedStack.start(new EmbeddedStack.Options(Path.of(".."), tmp.resolve("state"), clock, true));
        Demo.seedDatabase(stack.postgres(), DAY);
        tick(); // meets every pipeline's code version
        clock.set(at(DAY.plusDays(1), "01:00").plusSeconds(5));
        tick(); // metro_snapshot's cron: raw.*, then core.network
        clock.set(at(DAY.plusDays(1), "01:05"));
        String csv = "tap_id,card_id,station_id,direction,tapped_at\n"
                + "1,card-0001,A01,in," + DAY + "T23:45:10\n1001,card-0001,B03,out," + DAY + "T23:58:00\n"
                + "2,card-0002,C02,in," + DAY + "T23:46:00\n1002,card-0002,A05,out," + DAY + "T23:59:30\n";
        stack.s3().client().putObject(b -> b.bucket(stack.lakeBucket()).key("landing/taps/date=" + DAY + "/taps-2359.csv"),
                RequestBody.fromString(csv));
        stack.settle(Duration.ofSeconds(30)); // S3 announces it; core_trips runs
        clock.set(at(DAY.plusDays(1), "02:10"));
        tick(); // no export for over an hour: landing.taps (max_lag 30m) is overdue
        data = PageData.collect(stack.project(), stack.store(), stack.schedulerStore(),
                PageData.Context.of("the metro example on an embedded stack", PRAGUE, clock, false));
        page = tmp.resolve("freshet.html");
        Files.writeString(page, LineagePage.render(data));
        String keep = System.getProperty("freshet.page.keep");
        if (keep != null) {
            Files.copy(page, Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void tick() {
        stack.tick();
        stack.settle(Duration.ofSeconds(30));
    }

    static Instant at(LocalDate d, String hm) {
        return LocalDateTime.of(d, LocalTime.parse(hm)).atZone(PRAGUE).toInstant();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theStoryLeftEveryKindOfState() {
        Map<String, String> states = new LinkedHashMap<>();
        data.assets().forEach(a -> states.put(a.name(), a.state()));
        assertEquals("overdue", states.get("landing.taps"), states.toString());
        assertEquals("fresh", states.get("core.trips"), states.toString());
        assertEquals("none", states.get("raw.stations"), states.toString());
        assertEquals("never", states.get("mart.daily_ridership"), states.toString());
    }

    @Test
    void chromiumDrawsEveryAssetColouredByItsFreshnessWithoutAnError() throws Exception {
        Browser b = chromium(page, "");
        Map<String, String> drawn = nodes(b.dom());
        assertEquals(ASSETS.stream().sorted().toList(), drawn.keySet().stream().sorted().toList(), b.dom());
        data.assets().forEach(a -> assertEquals(a.state(), drawn.get(a.name()), a.name()));
        assertEquals(data.layout().edges().size(), count(b.dom(), "<path class=\"edge\""), "every edge drawn");
        for (String label : List.of("fresh (", "overdue (1)", "no freshness policy (", "never materialized (")) {
            assertTrue(legend(b.dom()).contains(label), legend(b.dom()));
        }
        assertTrue(b.dom().contains("class=\"hint\">Click an asset"), "nothing selected yet");
        b.assertNoErrors();
    }

    @Test
    void aClickOnCoreTripsShowsItsEventsRunsAndChecks() throws Exception {
        Browser b = chromium(page, "#select=core.trips");
        b.assertNoErrors();
        String panel = panel(b.dom());
        assertTrue(panel.contains("data-asset=\"core.trips\""), panel);
        assertTrue(b.dom().matches("(?s).*<g class=\"node state-fresh selected\" data-asset=\"core.trips\".*"), "the node is selected");
        AssetEvent newest = stack.store().events().newest("core.trips").orElseThrow();
        assertEquals(DAY.toString(), newest.partition());
        List<String> rows = rows(panel, "event");
        assertEquals(stack.store().events().recent("core.trips", PageData.EVENTS).size(), rows.size(), panel);
        String first = rows.getFirst();
        assertTrue(first.contains("data-event=\"" + newest.eventId() + "\""), first);
        assertTrue(first.contains("<td class=\"partition nowrap\">" + DAY + "</td>"), first);
        assertTrue(first.contains("<td class=\"producer\">run<br><span class=\"mono by\" title=\"" + newest.producer().id() + "\">"), first);
        assertTrue(first.contains("<td class=\"num\">" + newest.metadata().get("rows") + "</td>"), first);
        Run run = stack.store().runs().run(newest.producer().id()).orElseThrow();
        assertEquals(RunState.SUCCEEDED, run.state());
        List<String> runs = items(panel, "run");
        assertEquals(stack.store().runs().of("core_trips").size(), runs.size(), panel);
        assertTrue(runs.stream().anyMatch(r -> r.contains("data-run=\"" + run.runId() + "\"") && r.contains(">SUCCEEDED</span>")
                && r.contains("why: " + run.reason()) && r.contains("consumed: ") && r.contains("landing.taps/" + DAY)), String.join("\n", runs));
        assertTrue(panel.contains("Latest runs of core_trips"), panel);
        assertFalse(panel.contains("Keys (partition_by"), "an asset without a dynamic key lists no keys");
        for (String check : List.of("not_null", "unique", "no_negative_durations", "trips_shorter_than_three_hours")) {
            assertTrue(Pattern.compile("<li class=\"check passed\" data-check=\"" + check + "[^\"]*\">").matcher(panel).find(), check + " in " + panel);
        }
    }

    @Test
    void aPartitionPublishedToItsTableShowsItsSnapshotIdInShortAndWholeInItsTooltip() throws Exception {
        // The newest core.trips event as the publisher records it: the table, the snapshot and its metadata file.
        String snapshot = "4967831052207139283";
        List<PageData.AssetView> assets = new ArrayList<>();
        for (PageData.AssetView a : data.assets()) {
            if (!a.name().equals("core.trips")) {
                assets.add(a);
                continue;
            }
            List<AssetEvent> events = new ArrayList<>(a.events());
            AssetEvent e = events.getFirst();
            Map<String, String> metadata = new LinkedHashMap<>(e.metadata());
            metadata.put(TableMetadata.TABLE, "freshet_freshet.core_trips");
            metadata.put(TableMetadata.SNAPSHOT, snapshot);
            metadata.put(TableMetadata.METADATA_LOCATION, "s3://lake/warehouse/freshet_freshet.db/core_trips/metadata/00001-a.metadata.json");
            events.set(0, new AssetEvent(e.eventId(), e.asset(), e.partition(), e.time(), e.producer(), e.dataVersion(), e.codeVersion(),
                    e.objects(), metadata));
            assets.add(new PageData.AssetView(a.name(), a.kind(), a.description(), a.state(), a.policy(), a.violation(), a.producer(),
                    a.consumers(), a.upstream(), a.downstream(), List.copyOf(events), a.checks()));
        }
        Path published = tmp.resolve("published.html");
        Files.writeString(published, LineagePage.render(new PageData(data.context(), data.layout(), List.copyOf(assets), data.pipelines())));
        Browser b = chromium(published, "#select=core.trips");
        b.assertNoErrors();
        String panel = panel(b.dom());
        String first = rows(panel, "event").getFirst();
        assertTrue(first.contains("<td class=\"mono snapshot\" title=\"snapshot " + snapshot + "\" data-snapshot=\"" + snapshot + "\">\u2026"
                + snapshot.substring(snapshot.length() - 8) + "</td>"), first);
        assertTrue(panel.contains("<span class=\"mono table-name\">freshet_freshet.core_trips</span>"), panel);
        List<String> others = rows(panel, "event").subList(1, rows(panel, "event").size());
        assertTrue(others.stream().allMatch(r -> r.contains("<td class=\"snapshot empty\">-</td>")), "events of no table show none: " + others);
    }

    @Test
    void aDynamicallyKeyedAssetShowsEachKeyWithItsNewestEvent() throws Exception {
        // core.trips as if its output declared partition_by: [line]: its newest run published one event per line.
        List<PageData.AssetView> assets = new ArrayList<>();
        Map<String, AssetEvent> keys = new TreeMap<>();
        for (PageData.AssetView a : data.assets()) {
            if (!a.name().equals("core.trips")) {
                assets.add(a);
                continue;
            }
            AssetEvent e = a.events().getFirst();
            List<AssetEvent> events = new ArrayList<>();
            for (String line : List.of("A", "B", "C")) {
                Map<String, String> metadata = new LinkedHashMap<>(e.metadata());
                metadata.putAll(EventKeys.metadata("line", line));
                metadata.put("rows", Integer.toString(line.charAt(0) - 'A' + 1));
                AssetEvent k = new AssetEvent(e.eventId() + "-" + line, e.asset(), e.partition(), e.time(), e.producer(), e.dataVersion(),
                        e.codeVersion(), e.objects(), metadata);
                events.add(k);
                keys.put(line, k);
            }
            assets.add(new PageData.AssetView(a.name(), a.kind(), a.description(), a.state(), a.policy(), a.violation(), a.producer(),
                    a.consumers(), a.upstream(), a.downstream(), List.copyOf(events), a.checks(),
                    Optional.of(new KeyStatus("core.trips", "line", keys))));
        }
        Path keyed = tmp.resolve("keyed.html");
        Files.writeString(keyed, LineagePage.render(new PageData(data.context(), data.layout(), List.copyOf(assets), data.pipelines())));
        Browser b = chromium(keyed, "#select=core.trips");
        b.assertNoErrors();
        String panel = panel(b.dom());
        assertTrue(panel.contains("<h3>Keys (partition_by line): newest event of each</h3>"), panel);
        List<String> rows = rows(panel, "key");
        assertEquals(3, rows.size(), panel);
        for (int i = 0; i < 3; i++) {
            String line = List.of("A", "B", "C").get(i);
            String row = rows.get(i);
            assertTrue(row.contains("data-key=\"line=" + line + "\" data-event=\"" + keys.get(line).eventId() + "\""), row);
            assertTrue(row.contains("<td class=\"partition nowrap\">" + DAY + "</td>"), row);
            assertTrue(row.contains("<td class=\"num\">" + (i + 1) + "</td>"), row);
        }
        assertTrue(rows(panel, "event").getFirst().contains("<td class=\"partition nowrap\">" + DAY + " line=A</td>"), panel);
    }

    @Test
    void aSourceShowsItsUploadsAndWhyItIsOverdue() throws Exception {
        Browser b = chromium(page, "#select=landing.taps");
        b.assertNoErrors();
        String panel = panel(b.dom());
        assertTrue(panel.contains("data-asset=\"landing.taps\""), panel);
        assertTrue(panel.contains("<span class=\"pill state-overdue\">OVERDUE</span>"), panel);
        assertTrue(panel.contains("someone else (a source)"), panel);
        List<String> rows = rows(panel, "event");
        assertEquals(1, rows.size(), panel);
        assertTrue(rows.getFirst().contains("<td class=\"producer\">s3_upload<br>"), rows.getFirst());
        assertTrue(rows.getFirst().contains("taps-2359.csv"), rows.getFirst());
        assertFalse(panel.contains("Latest runs of"), "a source has no runs");
    }

    @Test
    void anErrorInThePageWouldBeSeen() throws Exception {
        // The harness itself: a page that throws, logs an error and rejects a promise must fail the checks above.
        Path broken = tmp.resolve("broken.html");
        Files.writeString(broken, LineagePage.render(data).replace("</body>",
                "<script>console.error('logged'); Promise.reject(new Error('rejected')); throw new Error('thrown');</script></body>"));
        Browser b = chromium(broken, "");
        String errors = errors(b.dom());
        assertTrue(errors.contains("console.error: logged"), errors);
        assertTrue(errors.contains("thrown"), errors);
        assertTrue(errors.contains("unhandled rejection: Error: rejected"), errors);
        assertFalse(b.consoleLines().isEmpty(), b.stderr());
        assertEquals(ASSETS.size(), nodes(b.dom()).size(), "the page's own script ran before");
    }

    record Browser(String dom, String stderr) {

        List<String> consoleLines() {
            return stderr.lines().filter(l -> l.contains(":CONSOLE") || l.contains("Uncaught")).toList();
        }

        void assertNoErrors() {
            assertEquals("", errors(dom), "errors the page recorded");
            assertEquals(List.of(), consoleLines(), "Chromium's console");
        }
    }

    /** Loads the page in headless Chromium and returns the DOM after its scripts ran, with Chromium's log. */
    static Browser chromium(Path html, String fragment) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(tmp, "chromium");
        Path out = dir.resolve("dom.html");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=5000",
                "--enable-logging=stderr", "--v=0", "--dump-dom", html.toUri() + fragment)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("Chromium did not finish in 20 s: " + Files.readString(err));
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertTrue(dom.contains("</html>"), "a whole document: " + dom);
        return new Browser(dom, Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The assets drawn, each with the state its node shows. */
    static Map<String, String> nodes(String dom) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<g class=\"node state-(\\w+)[^\"]*\" data-asset=\"([^\"]+)\"[^>]*>(.*?)</g>").matcher(dom);
        while (m.find()) {
            assertTrue(m.group(3).contains(">" + m.group(2) + "</text>"), "the node shows its name: " + m.group());
            out.put(m.group(2), m.group(1));
        }
        return out;
    }

    static String errors(String dom) {
        Matcher m = Pattern.compile("(?s)<pre id=\"errors\"[^>]*>(.*?)</pre>").matcher(dom);
        assertTrue(m.find(), "the errors element is there");
        return m.group(1);
    }

    static String panel(String dom) {
        Matcher m = Pattern.compile("(?s)<aside id=\"panel\".*?</aside>").matcher(dom);
        assertTrue(m.find(), dom);
        return m.group();
    }

    static String legend(String dom) {
        Matcher m = Pattern.compile("(?s)<ul id=\"legend\".*?</ul>").matcher(dom);
        assertTrue(m.find(), dom);
        return m.group();
    }

    static List<String> rows(String html, String cls) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)<tr class=\"" + cls + "\".*?</tr>").matcher(html);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static List<String> items(String html, String cls) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)<li class=\"" + cls + "\".*?</li>").matcher(html);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }
}
