package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.operate.LocalStackFile;

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
        new LocalStackFile(io.freshet.local.stack.FanOutStack.TABLE, io.freshet.local.stack.FanOutStack.BUS, TimeWorld.LAKE,
                w.stack.dynamo().endpoint(), w.stack.bus().endpoint(), w.s3.endpoint()).write(f);
        return f;
    }

    @Test
    void materializeRunsOnePartitionThroughTheRunPathAndFollowsIt() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            w.clock.advance(java.time.Duration.ofMinutes(1));
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
}
