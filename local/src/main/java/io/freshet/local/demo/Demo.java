package io.freshet.local.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.cli.operate.AssetStatus;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.MutableClock;

/**
 * {@code freshet demo}: one night and morning of the Prague metro on the embedded stack, on a
 * simulated clock so that it takes seconds: the 01:00 snapshot of the operational database, the
 * network rebuilt when all its tables are in, tap exports landing in S3 and the trips rebuilt
 * within minutes, and the daily ridership launched lazily in time for its 09:00 deadline. It
 * prints what happened with timings and the final state of every asset, and exits 0 only when
 * the whole story happened as it should.
 *
 * <p>The story only talks to a {@link DemoStack}: {@code freshet demo} runs it on the embedded
 * stack, and an integration test runs the very same story against LocalStack.
 */
public final class Demo {

    /** The story's zone, the metro's (its pipelines' crons say so): the demo shows its times here, whatever the machine's. */
    static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");
    static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");
    static final List<String> STATIONS = List.of("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09",
            "B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08");

    static final LocalTime RENAMED_AT = LocalTime.of(7, 30);
    static final String RENAMED = "Náměstí Republiky (Palladium)";

    private final PrintWriter out;
    private final Path stateDir;
    private final DemoStack.Factory stacks;
    private final long started = System.nanoTime();
    private final Map<String, RunState> shown = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private long tapId = 1_000_000;
    private int exports;
    private int freshnessSeen;
    private MutableClock clock;
    private DemoStack stack;

    /** The demo on the embedded stack built from {@code repository}'s template.yaml and pipelines/. */
    public Demo(PrintWriter out, Path repository, Path stateDir) {
        this(out, stateDir, EmbeddedDemoStack.factory(repository, stateDir));
    }

    /** The demo on any stack; {@code stateDir} is where its functions write their logs. */
    public Demo(PrintWriter out, Path stateDir, DemoStack.Factory stacks) {
        this.out = out;
        this.stateDir = stateDir;
        this.stacks = stacks;
    }

    public int run() {
        return run(s -> { });
    }

    /**
     * Tells the story, then hands the stack to {@code after} before closing it: {@code freshet demo
     * --keep} keeps it up there, so that status, events, runs, why and page can look at it.
     */
    public int run(Consumer<DemoStack> after) {
        LocalDate day = LocalDate.now(PRAGUE).minusDays(1);
        LocalDate morning = day.plusDays(1);
        clock = new MutableClock(at(morning, "00:58"));
        out.println("Freshet demo: a night and a morning of the Prague metro, on " + stacks.kind() + ".");
        out.println("Simulated time is Prague time; [seconds] is real time since the start.");
        out.println();
        try (DemoStack s = stacks.start(clock)) {
            stack = s;
            say("stack up: " + s.summary());
            seed(day);
            tick(); // the first tick meets every pipeline's code version
            clock.set(at(morning, "01:00").plusSeconds(5));
            say(time() + "  tick: metro_snapshot's cron (0 1 * * ? * Europe/Prague) fires for " + day);
            tick();
            clock.set(at(morning, "01:05"));
            export(day, LocalTime.of(23, 45), LocalTime.of(23, 59, 59), "the fare system's last export of " + day);
            for (LocalTime t = LocalTime.of(7, 0); !t.isAfter(LocalTime.of(8, 45)); t = t.plusMinutes(15)) {
                clock.set(at(morning, HM.format(t)));
                if (t.equals(RENAMED_AT)) {
                    renameStation();
                }
                export(morning, t.minusMinutes(15), t.minusSeconds(1), "morning rush export");
                if (t.equals(LocalTime.of(8, 45))) {
                    say(time() + "  tick: daily_ridership must hold " + day + " by 09:00; it launches now, one timeout before");
                }
                tick();
            }
            clock.set(at(morning, "09:00").plusSeconds(5));
            say(time() + "  tick: the 09:00 deadline");
            tick();
            out.println();
            AssetStatus.print(AssetStatus.collect(stack.project(), stack.store(), stack.schedulerStore()), out, PRAGUE);
            out.println();
            int verdict = verdict(day, morning);
            after.accept(s);
            return verdict;
        } catch (RuntimeException e) {
            out.println();
            out.println("the demo failed: " + e);
            out.println("function logs: " + stateDir.resolve("logs").resolve("functions.jsonl"));
            return 1;
        }
    }

    /**
     * An operator renames a station in the operational database: nothing lands in S3, and the
     * tick's observation of {@code metro.stations} is what rebuilds the station directory.
     */
    private void renameStation() {
        stack.updateMetro("UPDATE stations SET name = '" + RENAMED + "' WHERE station_id = 'B06'");
        say(time() + "  an operator renames B06 to '" + RENAMED + "' in metro.db (no file lands; the next tick observes the table)");
    }

    private Instant at(LocalDate d, String hm) {
        return LocalDateTime.of(d, LocalTime.parse(hm)).atZone(PRAGUE).toInstant();
    }

    private void seed(LocalDate day) {
        stack.seedMetro(day);
        say("seeded metro.db: 25 stations, 6 routes, 800 passengers, 6,000 taps on " + day);
    }

    /**
     * Seeds the metro example's database as {@code freshet up} does: with yesterday's taps,
     * yesterday in the metro's zone, the day its nightly snapshot's last fire covers.
     */
    public static void seedYesterday(LocalPostgres postgres, Clock clock) {
        seedDatabase(postgres, LocalDate.now(clock.withZone(PRAGUE)).minusDays(1));
    }

    /** Creates and fills the metro example's tables, with a day of taps on {@code day}. */
    public static void seedDatabase(LocalPostgres postgres, LocalDate day) {
        try (InputStream in = Demo.class.getResourceAsStream("/demo/metro.sql")) {
            postgres.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${DAY}", day.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void tick() {
        stack.tick();
        stack.settle(Duration.ofMinutes(2));
        report();
    }

    /** Drops a tap export into landing/ as the fare system would; S3 announces it. */
    private void export(LocalDate d, LocalTime from, LocalTime to, String what) {
        Random random = new Random(d.toEpochDay() * 10_000 + from.toSecondOfDay());
        StringBuilder csv = new StringBuilder("tap_id,card_id,station_id,direction,tapped_at\n");
        int journeys = 30 + random.nextInt(30);
        long span = Duration.between(from, to).toSeconds();
        for (int i = 0; i < journeys; i++) {
            LocalDateTime in = LocalDateTime.of(d, from).plusSeconds(random.nextLong(span / 2));
            LocalDateTime outAt = in.plusSeconds(240 + random.nextLong(Math.max(1, span / 2 - 240)));
            String card = "card-%04d".formatted(1 + random.nextInt(800));
            int a = random.nextInt(STATIONS.size());
            int b = (a + 1 + random.nextInt(STATIONS.size() - 1)) % STATIONS.size();
            csv.append(tapId++).append(',').append(card).append(',').append(STATIONS.get(a)).append(",in,").append(in).append('\n');
            csv.append(tapId++).append(',').append(card).append(',').append(STATIONS.get(b)).append(",out,").append(outAt).append('\n');
        }
        String key = "landing/taps/date=" + d + "/taps-" + HM.format(to).replace(":", "") + ".csv";
        stack.putObject(key, csv.toString());
        exports++;
        say(time() + "  " + what + " lands: s3://" + stack.lakeBucket() + "/" + key + " (" + journeys * 2 + " taps)");
        stack.settle(Duration.ofMinutes(2));
        report();
    }

    /** Prints each run that is new or changed state since the last report. */
    private void report() {
        for (String name : stack.project().graph().pipelineOrder()) {
            Pipeline p = stack.project().pipeline(name).orElseThrow();
            for (Run r : stack.store().runs().of(p.name()).reversed()) {
                if (r.state() == shown.get(r.runId())) {
                    continue;
                }
                shown.put(r.runId(), r.state());
                if (r.state().isActive()) {
                    continue; // its end follows
                }
                String where = p.name() + (r.partition().isEmpty() ? "" : "/" + r.partition());
                StringBuilder line = new StringBuilder("         run ").append(where).append(' ').append(r.state());
                line.append(r.state() == RunState.SUCCEEDED ? outputs(p, r) : ": " + r.finishReason().orElse(""));
                say(line.toString());
                say("             why: " + r.reason());
                if (r.state() == RunState.FAILED) {
                    problems.add("run " + where + " failed: " + r.finishReason().orElse("?"));
                }
            }
        }
        List<String> events = stack.busEvents();
        for (int i = freshnessSeen; i < events.size(); i++) {
            var e = EventJson.read(events.get(i));
            String type = e.path("detail-type").asText();
            if (type.equals(EventJson.ASSET_OVERDUE) || type.equals(EventJson.ASSET_FRESH_AGAIN)) {
                say("         " + type + ": " + e.path("detail").path("asset").asText() + " (" + e.path("detail").path("reason").asText() + ")");
            }
        }
        freshnessSeen = events.size();
    }

    private String outputs(Pipeline p, Run r) {
        List<String> parts = new ArrayList<>();
        for (String asset : p.outputAssets()) {
            Optional<AssetEvent> e = stack.store().events().event(Ids.runOutput(r.runId(), asset));
            if (e.isEmpty()) {
                continue;
            }
            Map<String, String> m = e.get().metadata();
            long checks = m.keySet().stream().filter(k -> k.startsWith("check.")).count();
            long passed = m.entrySet().stream().filter(x -> x.getKey().startsWith("check.") && x.getValue().startsWith("passed")).count();
            parts.add(asset + " " + m.getOrDefault("rows", "?") + " rows" + (checks == 0 ? "" : ", checks " + passed + "/" + checks));
        }
        return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
    }

    private int verdict(LocalDate day, LocalDate morning) {
        expect("metro_snapshot", day.toString(), RunState.SUCCEEDED);
        expect("core_network", day.toString(), RunState.SUCCEEDED);
        expect("core_trips", day.toString(), RunState.SUCCEEDED);
        expect("core_trips", morning.toString(), RunState.SUCCEEDED);
        expect("daily_ridership", day.toString(), RunState.SUCCEEDED);
        long directories = stack.store().runs().of("station_directory").stream()
                .filter(r -> r.state() == RunState.SUCCEEDED && !r.createdAt().isBefore(at(morning, HM.format(RENAMED_AT)))).count();
        if (directories != 1) {
            problems.add(directories + " station_directory run(s) after the rename, not 1 (an observed source triggers once per change)");
        }
        Instant launched = stack.store().runs().of("daily_ridership").stream().filter(r -> r.partition().equals(day.toString()))
                .map(Run::createdAt).min(Instant::compareTo).orElse(Instant.MAX);
        if (launched.isBefore(at(morning, "08:45"))) {
            problems.add("daily_ridership ran before it had to (lazy scheduling)");
        }
        long overdue = AssetStatus.collect(stack.project(), stack.store(), stack.schedulerStore()).stream()
                .filter(AssetStatus.Row::overdue).count();
        if (overdue > 0) {
            problems.add(overdue + " asset(s) overdue at 09:00");
        }
        stack.deadLetters().forEach((q, letters) -> {
            if (!letters.isEmpty()) {
                problems.add(letters.size() + " dead letter(s) in " + q + ": " + letters.get(0));
            }
        });
        long runs = shown.entrySet().stream().filter(e -> e.getKey().startsWith("run-")).count();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (problems.isEmpty()) {
            out.printf("The story completed in %.1f s: %d runs, %d tap exports, every expected run succeeded, nothing overdue, no dead letters.%n",
                    seconds, runs, exports);
            out.println("Next: local/freshet up (the same stack, on the real clock, for your own pipelines); function logs are in "
                    + stateDir.resolve("logs").resolve("functions.jsonl"));
            return 0;
        }
        out.printf("The story did NOT complete (%.1f s):%n", seconds);
        problems.forEach(p -> out.println("  - " + p));
        return 1;
    }

    private void expect(String pipeline, String partition, RunState state) {
        boolean ok = stack.store().runs().of(pipeline).stream().anyMatch(r -> r.partition().equals(partition) && r.state() == state);
        if (!ok) {
            problems.add("no " + state + " run of " + pipeline + "/" + partition);
        }
    }

    private String time() {
        return HM.format(LocalDateTime.ofInstant(clock.instant(), PRAGUE));
    }

    private void say(String line) {
        out.printf("[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
        out.flush();
    }
}
