package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.cli.FreshetCli;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.cli.operate.EmbeddedStackFile;
import io.freshet.local.stack.EmbeddedFanOut;

/**
 * {@code freshet materialize} and {@code freshet backfill} from the command line against a running
 * local stack, found through the file {@code freshet up} writes: the runs they ask for go through
 * the ordinary path and the commands report them and exit 0 only when they succeeded.
 */
class OperateCommandsTest {

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

    Path stackFile(TimeWorld w) {
        Path f = tmp.resolve("local-stack.json");
        new EmbeddedStackFile(EmbeddedFanOut.TABLE, EmbeddedFanOut.BUS, TimeWorld.LAKE,
                w.stack.dynamo().endpoint(), w.stack.bus().endpoint(), w.s3.endpoint()).write(f);
        return f;
    }

    @Test
    void materializeRunsOnePartitionThroughTheRunPathAndFollowsIt() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            w.clock.advance(Duration.ofMinutes(1));
            Path f = stackFile(w);
            Result r = cli(w, "materialize", "core.orders", "--partition", "2026-05-11", "--pipelines", w.projectDir.toString(),
                    "--local-stack", f.toString());
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("requested orders_daily/2026-05-11 on the local stack"), r.out());
            assertTrue(r.out().matches("(?s).*run run-\\w+ created: manual request m-\\w+.*"), r.out());
            // Nothing changed since the export's run: the manual run is skipped, which is a success.
            assertTrue(r.out().contains("SKIPPED: inputs and code unchanged"), r.out());
            List<Run> runs = w.runs("orders_daily");
            assertEquals(2, runs.size());
            assertEquals(RunState.SKIPPED, runs.get(1).state());
        }
    }

    @Test
    void materializeExplainsWhatItCannotDo() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            Path f = stackFile(w);
            String dir = w.projectDir.toString();
            Result source = cli(w, "materialize", "shop.orders", "--pipelines", dir, "--local-stack", f.toString());
            assertEquals(2, source.code());
            assertTrue(source.err().contains("'shop.orders' is a source, written by someone else"), source.err());
            Result typo = cli(w, "materialize", "core.order", "--pipelines", dir, "--local-stack", f.toString());
            assertTrue(typo.err().contains("no asset named 'core.order'; did you mean 'core.orders'?"), typo.err());
            Result noPartition = cli(w, "materialize", "core.orders", "--pipelines", dir, "--local-stack", f.toString());
            assertTrue(noPartition.err().contains("'orders_daily' has daily partitions: give --partition"), noPartition.err());
            Result noStack = cli(w, "materialize", "core.orders", "--partition", "2026-05-11", "--pipelines", dir,
                    "--local-stack", tmp.resolve("nothing.json").toString());
            assertEquals(2, noStack.code());
            assertTrue(noStack.err().contains("no local stack is running"), noStack.err());
            assertEquals(0, w.runs("orders_daily").size());
        }
    }

    @Test
    void backfillShowsProgressAndItsPlanAndResumesToNothing() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-13T10:00:00Z"), tmp)) {
            for (String day : List.of("2026-05-10", "2026-05-11", "2026-05-12")) {
                w.uploadOrders(day, "a.csv", "1,10\n");
            }
            Path f = stackFile(w);
            String dir = w.projectDir.toString();
            Result plan = cli(w, "backfill", "core.orders", "--from", "2026-05-10", "--to", "2026-05-12", "--downstream", "--dry-run",
                    "--pipelines", dir);
            assertEquals(0, plan.code(), plan.err());
            assertTrue(plan.out().startsWith("7 runs: orders_daily x3, report x3, summary x1"), plan.out());
            assertTrue(plan.out().contains("report/2026-05-11  after [orders_daily/2026-05-11]"), plan.out());

            Result run = cli(w, "backfill", "core.orders", "--from", "2026-05-10", "--to", "2026-05-12", "--downstream",
                    "--concurrency", "2", "--poll", "1s", "--pipelines", dir, "--local-stack", f.toString());
            assertEquals(0, run.code(), run.out() + run.err());
            assertTrue(run.out().contains("7/7 done, 0 running, 0 failed, 0 remaining"), run.out());
            String id = run.out().replaceFirst("(?s)^backfill (bf-[\\w-]+) .*", "$1");
            assertTrue(id.startsWith("bf-"), run.out());
            assertEquals(3, w.runs("report").size());

            w.settle();
            int before = w.runs("orders_daily").size() + w.runs("report").size() + w.runs("summary").size();
            Result again = cli(w, "backfill", "--resume", id, "--poll", "1s", "--pipelines", dir, "--local-stack", f.toString());
            assertEquals(0, again.code(), again.out() + again.err());
            assertTrue(again.out().contains("resuming backfill " + id + " of core.orders"), again.out());
            w.settle();
            assertEquals(before, w.runs("orders_daily").size() + w.runs("report").size() + w.runs("summary").size());
        }
    }

    @Test
    void materializeWithForceRunsEvenWhenNothingChangedAndSaysSo() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            w.clock.advance(Duration.ofMinutes(1));
            Path f = stackFile(w);
            String dir = w.projectDir.toString();
            Result r = cli(w, "materialize", "core.orders", "--partition", "2026-05-11", "--force", "--pipelines", dir,
                    "--local-stack", f.toString());
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().matches("(?s).*run run-\\w+ created: manual request m-\\w+ \\(forced\\).*"), r.out());
            assertTrue(r.out().contains(" SUCCEEDED"), r.out());
            List<Run> runs = w.runs("orders_daily");
            assertEquals(2, runs.size());
            Run forced = runs.get(1);
            assertEquals(RunState.SUCCEEDED, forced.state(), forced.toString());
            assertTrue(forced.forced());
            assertTrue(!runs.get(0).forced());

            Result listed = cli(w, "runs", "--pipeline", "orders_daily", "--pipelines", dir, "--local-stack", f.toString());
            assertTrue(listed.out().contains(forced.runId() + "  attempt 1  forced"), listed.out());
            Result json = cli(w, "runs", "--pipeline", "orders_daily", "--json", "--pipelines", dir, "--local-stack", f.toString());
            assertTrue(json.out().contains("\"forced\":true") && json.out().contains("\"forced\":false"), json.out());
            Result why = cli(w, "why", forced.runId(), "--pipelines", dir, "--local-stack", f.toString());
            assertTrue(why.out().contains("forced (runs even if nothing changed)"), why.out());
        }
    }

    @Test
    void numericOptionsThatMeanNothingAreRefusedInEveryMode() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-13T10:00:00Z"), tmp)) {
            Path f = stackFile(w);
            String dir = w.projectDir.toString();
            String[][] refused = {
                    {"backfill", "core.orders", "--from", "2026-05-10", "--to", "2026-05-12", "--dry-run", "--concurrency", "0"},
                    {"backfill", "core.orders", "--from", "2026-05-10", "--to", "2026-05-12", "--concurrency", "-2"},
                    {"backfill", "core.orders", "--from", "2026-05-10", "--to", "2026-05-12", "--dry-run", "--poll", "0s"},
                    {"backfill", "core.orders", "--from", "2026-05-10", "--to", "2026-05-12", "--dry-run", "--poll", "99999999999999999999d"},
                    {"backfill", "core.orders", "--from", "2026-05-10", "--to", "2026-05-12", "--dry-run", "--concurrency", "99999999999"},
                    {"materialize", "core.orders", "--partition", "2026-05-12", "--timeout", "0m"},
                    {"runs", "--limit", "0"},
                    {"events", "core.orders", "--limit", "-1"},
                    {"why", "run-x", "--depth", "0"},
                    {"tables", "--partitions", "0"},
            };
            for (String[] args : refused) {
                String[] all = Stream.concat(Arrays.stream(args),
                        Stream.of("--pipelines", dir, "--local-stack", f.toString())).toArray(String[]::new);
                Result r = cli(w, all);
                String option = Arrays.stream(args).filter(a -> a.startsWith("--") && !a.equals("--from") && !a.equals("--to")
                        && !a.equals("--dry-run") && !a.equals("--partition")).findFirst().orElseThrow();
                assertEquals(2, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
                assertTrue(r.err().contains("Invalid value for option '" + option + "'"), String.join(" ", args) + ": " + r.err());
                assertTrue(r.err().matches("(?s).*(must be at least 1|must be longer than zero|too long a duration|not a whole number that fits).*"),
                        String.join(" ", args) + ": " + r.err());
            }
            Result port = cli(w, "up", "--port", "70000", "--repository", tmp.resolve("nowhere").toString());
            assertEquals(2, port.code());
            assertTrue(port.err().contains("a port is 1 to 65535 (or 0 for any free one), got 70000"), port.err());
            assertEquals(0, w.runs("orders_daily").size(), "nothing was asked");
        }
    }

    @Test
    void aSymlinkedPipelinesDirectoryWorksForRunsAndMaterialize() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            Path f = stackFile(w);
            Path link = Files.createSymbolicLink(tmp.resolve("linked-pipelines"), w.projectDir.resolve("pipelines"));
            Result runs = cli(w, "runs", "--pipelines", link.toString(), "--local-stack", f.toString());
            assertEquals(0, runs.code(), runs.out() + runs.err());
            assertTrue(runs.out().contains("orders_daily/2026-05-11"), runs.out());
            Result materialize = cli(w, "materialize", "core.orders", "--partition", "2026-05-11", "--force", "--pipelines", link.toString(),
                    "--local-stack", f.toString());
            assertEquals(0, materialize.code(), materialize.out() + materialize.err());
            assertEquals(RunState.SUCCEEDED, w.runs("orders_daily").get(1).state());
        }
    }
}
