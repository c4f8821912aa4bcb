package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.cli.FreshetCli;
import io.freshet.cli.operate.Emit;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.emit.Announcements;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.testkit.MutableClock;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code freshet emit} from the command line against the embedded stack wired from template.yaml:
 * the announcement goes on the bus as a producer's would, the emit function checks and records
 * it, and the consumer runs once, however many times the object is announced and whether its S3
 * notification came first; a producer the source does not allow is refused into the function's
 * dead-letter queue with nothing recorded.
 */
class EmitEndToEndTest {

    /** The embedded bus stamps every event with this account, as EventBridge stamps the sender's. */
    static final String LOCAL_ACCOUNT = "000000000000";
    static final String DAY = "2026-06-02";

    @TempDir
    static Path tmp;
    static MutableClock clock = new MutableClock(Instant.parse("2026-06-02T08:00:00Z"));
    static EmbeddedStack stack;
    static Path stackFile;
    static Path pipelines;

    @BeforeAll
    static void start() throws IOException {
        Path repo = tmp.resolve("repo");
        pipelines = repo.resolve("pipelines");
        Files.createDirectories(pipelines);
        Files.copy(Path.of("../template.yaml"), repo.resolve("template.yaml"));
        Files.writeString(pipelines.resolve("sources.yaml"), """
                sources:
                  shop.sales:
                    s3: s3://${LakeBucket}/landing/sales/date={date}/
                    format: csv
                    allowed_producers: [arn:aws:iam::%s:role/sales-export]
                  shop.refunds:
                    s3: s3://${LakeBucket}/landing/refunds/date={date}/
                    format: csv
                    allowed_producers: [arn:aws:iam::123456789012:role/refunds-export]
                  shop.orders:
                    s3: s3://${LakeBucket}/landing/orders/date={date}/
                    format: csv
                """.formatted(LOCAL_ACCOUNT));
        Files.writeString(pipelines.resolve("sales.yaml"), S3SourcesEndToEndTest.pipeline("sales", "shop.sales", "core.sales"));
        Files.writeString(pipelines.resolve("refunds.yaml"), S3SourcesEndToEndTest.pipeline("refunds", "shop.refunds", "core.refunds"));
        stack = EmbeddedStack.start(new EmbeddedStack.Options(repo, tmp.resolve("state"), clock, false));
        stackFile = tmp.resolve("local-stack.json");
        stack.describe().write(stackFile);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--pipelines", pipelines.toString(), "--local-stack", stackFile.toString()}, 0, all, args.length, 4);
        int code = FreshetCli.run(all, new PrintWriter(out), new PrintWriter(err), clock);
        stack.settle(Duration.ofMinutes(1));
        return new Result(code, out.toString(), err.toString());
    }

    static List<Run> runs(String pipeline) {
        return stack.store().runs().of(pipeline);
    }

    static List<String> emitDeadLetters() {
        return stack.deadLetters().entrySet().stream().filter(e -> e.getKey().endsWith("EmitDeadLetters")).findFirst().orElseThrow().getValue();
    }

    @Test
    void anAuthorisedAnnouncementRunsItsConsumerOnceHoweverOftenItIsAnnounced() throws IOException {
        String key = "landing/sales/date=" + DAY + "/export.csv";
        String object = "s3://" + stack.lakeBucket() + "/" + key;
        // The producer writes (S3's notification races the announcement on the bus) and announces, twice.
        stack.s3().client().putObject(b -> b.bucket(stack.lakeBucket()).key(key), RequestBody.fromString("order_id,amount\n1,10\n2,20\n"));
        Result first = cli("emit", "shop.sales", "--partition", DAY, "--object", object, "--metadata", "rows=2");
        Result again = cli("emit", "shop.sales", "--partition", DAY, "--object", object);
        assertEquals(0, first.code(), first.out() + first.err());
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(first.out().contains("announced 1 object of shop.sales on the local stack's bus"), first.out());

        assertEquals(1, stack.store().events().history("shop.sales", DAY).size(), "one write, one event");
        List<Run> runs = runs("sales");
        assertEquals(1, runs.size(), runs.toString());
        assertEquals(RunState.SUCCEEDED, runs.get(0).state());
        assertEquals(List.of(), emitDeadLetters().stream().filter(d -> d.contains("shop.sales")).toList());
        String log = Files.readString(tmp.resolve("state/logs/functions.jsonl"));
        assertTrue(log.contains("announced object already recorded") && log.contains("\"function\":\"emit\""),
                "the emit function handled both announcements");
    }

    @Test
    void aProducerTheSourceDoesNotAllowIsRefusedIntoTheDeadLetterQueueWithNothingRecorded() {
        String object = "s3://" + stack.lakeBucket() + "/landing/refunds/date=" + DAY + "/r.csv";
        Result r = cli("emit", "shop.refunds", "--object", object);
        assertEquals(0, r.code(), "the bus took the event: the function decides");
        List<String> dead = emitDeadLetters().stream().filter(d -> d.contains("shop.refunds")).toList();
        assertEquals(1, dead.size(), dead.toString());
        assertTrue(dead.get(0).contains("account " + LOCAL_ACCOUNT + " is not among the allowed_producers of 'shop.refunds'"), dead.get(0));
        assertEquals(List.of(), stack.store().events().history("shop.refunds", DAY));
        assertEquals(List.of(), runs("refunds"));
    }

    @Test
    void theCommandTellsAtOnceWhatThePipelinesAlreadyRefuseAndPrintsTheBusAccounts() {
        Result unknown = cli("emit", "shop.nope", "--object", "s3://x/y");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no source named 'shop.nope'"), unknown.err());
        Result closed = cli("emit", "shop.orders", "--object", "s3://x/y");
        assertEquals(2, closed.code());
        assertTrue(closed.err().contains("declares no allowed_producers"), closed.err());
        Result accounts = cli("emit", "--bus-accounts");
        assertEquals(LOCAL_ACCOUNT + ",123456789012\n", accounts.out());
        assertEquals(Announcements.SOURCE, Emit.SOURCE);
        assertEquals(Announcements.DETAIL_TYPE, Emit.DETAIL_TYPE);
    }
}
