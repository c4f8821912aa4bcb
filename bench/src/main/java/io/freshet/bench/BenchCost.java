package io.freshet.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.cli.OptionValues;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.local.stack.Invocations;
import io.freshet.local.stack.TemplateWiring;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the event path costs on AWS per million asset events, computed from what the embedded
 * stack measurably does: the state table's calls and the capacity units DynamoDB Local reports for
 * them (a transaction's table share by AWS's rule instead: {@link StoreMeter#awsTableUnits}), the custom events put on the bus, the functions' invocations and their durations (in
 * process, warm) at template.yaml's memory sizes, the bytes of JSON log they write and the lines
 * Lambda writes for each invocation, and X-Ray's traces under the tracing mode deployed. Priced
 * with {@link AwsPrices}. The runs' own work (runner, publisher) is left out: it depends on the
 * data, not on the event.
 */
@Command(name = "cost", description = "Dollars per million asset events on the event path (S3 notification -> Run Requested), "
        + "for the metro example and a 1-input/3-consumer graph, and the idle cost per month (see docs/performance.md).")
final class BenchCost implements Callable<Integer> {

    /**
     * Events sent before the count starts. 30 left the first pattern measured on a JIT still
     * compiling (s3-events 18-25 ms an invocation against 11 ms after 300; the second pattern,
     * measured later in the same JVM, was already near it).
     */
    private static final int WARM_UP_EVENTS = 300;

    private static final String COUNTER = "arn:aws:lambda:eu-central-1:000000000000:function:bench-cost-counter";

    private static final String FAN_OUT = """
            sources:
              landing.orders:
                s3: s3://${LakeBucket}/landing/orders/date={date}/*.csv
            """;

    private static final String CONSUMER = """
            pipeline: c%d
            inputs: [landing.orders]
            partitions: daily
            outputs:
              core.c%d: s3://${LakeBucket}/core/c%d/date={date}/
            trigger: { condition: landing.orders }
            steps:
              - sql: { output: core.c%d, query: SELECT * FROM landing.orders }
            checks:
              - row_count: { asset: core.c%d, min: 1 }
            """;

    @Option(names = "--events", defaultValue = "300", converter = OptionValues.AtLeastOne.class, description = "S3 notifications per pattern (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--pipelines", defaultValue = "pipelines", description = "the metro example (default: ${DEFAULT-VALUE})")
    String pipelines;

    @Option(names = "--template", defaultValue = "template.yaml", description = "where the memory sizes and the tracing mode come from (default: ${DEFAULT-VALUE})")
    String template;

    @Option(names = "--tracing", description = "X-Ray tracing as deployed, Active or PassThrough (default: template.yaml's Tracing parameter's default)")
    String tracing;

    @Option(names = "--events-per-second", defaultValue = "0.386", description = "the rate events arrive at, which decides the share of them "
            + "X-Ray samples under Active tracing (default: ${DEFAULT-VALUE}, a million a month)")
    double eventsPerSecond;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The share of events traced, from --tracing and --events-per-second. */
    private double traced;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AwsPrices prices = AwsPrices.load();
        TemplateWiring wiring = TemplateWiring.read(Path.of(template), Map.of(), id -> id);
        Map<String, TemplateWiring.LambdaFunction> functions = wiring.functions();
        String mode = tracing != null ? tracing : wiring.parameters().getOrDefault("Tracing", "PassThrough");
        if (!mode.equals("Active") && !mode.equals("PassThrough")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tracing: Active or PassThrough, not '" + mode + "'");
        }
        traced = mode.equals("Active") ? sampledShare(eventsPerSecond) : 0;
        out.printf("X-Ray tracing: %s%s%n", mode, mode.equals("Active")
                ? String.format(" (at %.3f events a second Lambda samples %.1f%% of them: the first each second, 5%% of the others)",
                        eventsPerSecond, traced * 100)
                : ", as template.yaml deploys by default: no traces (--tracing Active for what they would cost)");
        Map<String, Integer> memory = Map.of("s3-events", functions.get("S3EventsFunction").memoryMb(),
                "trigger", functions.get("TriggerFunction").memoryMb(), "scheduler", functions.get("SchedulerFunction").memoryMb());
        out.printf("prices: %s, %s%n", prices.region(), prices.asOf());
        Project metro = ProjectLoader.load(Path.of(pipelines)).orThrow();
        double metroCost = measure(out, prices, memory, "metro example: landing.taps -> core_trips", metro,
                i -> "landing/taps/date=" + LocalDate.of(2020, 1, 1).plusDays(i) + "/export.csv");
        Path dir = Files.createTempDirectory("freshet-bench-cost");
        double fanCost;
        try {
            Files.writeString(dir.resolve("graph.yaml"), FAN_OUT);
            for (int c = 1; c <= 3; c++) {
                Files.writeString(dir.resolve("c" + c + ".yaml"), CONSUMER.formatted(c, c, c, c, c));
            }
            Project fan = ProjectLoader.load(dir, "generated", ProjectLoader.DEFAULT_PARAMETERS).orThrow();
            fanCost = measure(out, prices, memory, "1 input, 3 consumers: landing.orders -> c1, c2, c3", fan,
                    i -> "landing/orders/date=" + LocalDate.of(2020, 1, 1).plusDays(i) + "/part.csv");
        } finally {
            TempDirs.delete(dir);
        }
        out.printf("%nper million asset events: metro %s, 1 input/3 consumers %s (goal <= $5.00)%n", usd(metroCost), usd(fanCost));
        idle(out, prices, memory.get("scheduler"), metro);
        out.flush();
        return 0;
    }

    /** One pattern: returns its dollars per million events. */
    private double measure(PrintWriter out, AwsPrices prices, Map<String, Integer> memory, String label, Project project,
                           IntFunction<String> keyOf) throws Exception {
        StoreMeter meter = new StoreMeter();
        Counting logBytes = new Counting();
        JsonLog log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC(), Map.of());
        Map<String, LongAdder> busEvents = new ConcurrentHashMap<>();
        try (EmbeddedFanOut stack = EmbeddedFanOut.start(project, "lake", run -> { }, staged -> { }, log, Clock.systemUTC(), List.of(meter))) {
            // Every custom event on the stack's bus: what EventBridge bills (S3's own events on the default bus are free).
            stack.bus().client().putRule(b -> b.name("bench-cost-counter").eventBusName(EmbeddedFanOut.BUS)
                    .eventPattern("{\"source\":[\"freshet\"]}"));
            stack.bus().client().putTargets(b -> b.rule("bench-cost-counter").eventBusName(EmbeddedFanOut.BUS)
                    .targets(t -> t.id("counter").arn(COUNTER)));
            stack.bus().registerTarget(COUNTER, json -> busEvents.computeIfAbsent(detailType(json), k -> new LongAdder()).increment());
            for (int i = 0; i < WARM_UP_EVENTS; i++) { // JIT and first-use costs are not what a warm Lambda bills
                stack.s3ObjectCreated(keyOf.apply(1_000_000 + i), Long.toHexString(1_000_000 + i));
            }
            stack.awaitQuiescence(Duration.ofMinutes(5));
            stack.invocations().reset();
            busEvents.clear();
            logBytes.reset();
            meter.start();
            for (int i = 0; i < events; i++) { // one at a time: durations are not inflated by queueing
                if (i == events - 1) {
                    meter.detail(); // the last event's calls, one by one
                }
                stack.s3ObjectCreated(keyOf.apply(i), Long.toHexString(i));
                stack.awaitQuiescence(Duration.ofMinutes(1));
            }
            StoreMeter.Reading store = meter.stop();
            Map<String, Invocations.Count> lambdas = stack.invocations().counts();
            long customEvents = busEvents.values().stream().mapToLong(LongAdder::sum).sum();
            return report(out, prices, memory, label, store, meter.listed(), lambdas, busEvents, customEvents, logBytes.sum());
        }
    }

    private double report(PrintWriter out, AwsPrices prices, Map<String, Integer> memory, String label, StoreMeter.Reading store,
                          List<String> lastCalls, Map<String, Invocations.Count> lambdas, Map<String, LongAdder> busEvents, long customEvents, long logBytes) {
        double n = events;
        double million = 1_000_000;
        out.printf("%n%s, %d events, counted per event:%n", label, events);
        double wru = store.writeUnits() / n;
        double rru = store.readUnits() / n;
        double dynamo = (wru * prices.dynamoWriteUnit() + rru * prices.dynamoReadUnit()) * million;
        out.printf("  DynamoDB     %5.2f calls (%s); %.2f write units, %.2f read units   %s%n", store.totalCalls() / n,
                BenchDispatch.perOperation(store.calls(), events), wru, rru, usd(dynamo));
        StringBuilder units = new StringBuilder();
        store.unitsByOperation().forEach((op, u) -> units.append(units.isEmpty() ? "" : ", ").append(op).append(' ').append(String.format("%.2f", u / n)));
        out.printf("               capacity units by operation: %s%n", units);
        out.printf("               transactions billed by AWS's rule (2 units per started KB of each item, checks too): %+.2f units on what"
                + " DynamoDB Local reports%n", store.transactionAdjustment() / n);
        out.printf("               their index entries billed as any write's (1 unit per started KB; DynamoDB Local reports 4): %+.2f units%n",
                store.indexAdjustment() / n);
        out.printf("               reads billed at AWS's least (1 unit consistent, 0.5 eventual, even for nothing found): %+.2f units on what"
                + " DynamoDB Local reports%n", store.readAdjustment() / n);
        out.printf("               single writes whose condition failed, billed as AWS does (at least 1 unit; DynamoDB Local reports 0): %+.2f"
                + " units%n", store.failedConditionUnits() / n);
        out.printf("               the last event's calls:%n");
        lastCalls.forEach(call -> out.printf("                 %s%n", call));
        double lambda = 0;
        double platformBytes = 0; // Lambda's own lines for each invocation, billed with the log below
        double invocations = 0;
        for (Map.Entry<String, Invocations.Count> e : lambdas.entrySet()) {
            Invocations.Count c = e.getValue();
            int mb = memory.getOrDefault(e.getKey(), 512);
            double gbSeconds = c.billedMillis() / 1000.0 * mb / 1024.0;
            double dollars = (c.invocations() * prices.lambdaRequest() + gbSeconds * prices.lambdaGbSecond()) / n * million;
            double billedEach = c.billedMillis() / (double) c.invocations();
            double measuredEach = c.nanos() / 1e6 / c.invocations();
            out.printf("  Lambda       %-9s %.2f invocations, %.1f ms billed each (%.1f ms measured), %d MB   %s%n", e.getKey(),
                    c.invocations() / n, billedEach, measuredEach, mb, usd(dollars));
            lambda += dollars;
            long billed = Math.round(billedEach);
            platformBytes += c.invocations() * ((1 - traced) * LambdaPlatformLog.bytes(measuredEach, billed, mb, false)
                    + traced * LambdaPlatformLog.bytes(measuredEach, billed, mb, true));
            invocations += c.invocations();
        }
        double bus = customEvents / n * prices.eventBridgeEvent() * million;
        StringBuilder types = new StringBuilder();
        busEvents.forEach((t, c) -> types.append(types.isEmpty() ? "" : ", ").append(t).append(' ').append(String.format("%.2f", c.sum() / n)));
        out.printf("  EventBridge  %.2f custom events (%s)   %s%n", customEvents / n, types, usd(bus));
        double logs = (logBytes + platformBytes) / n / 1e9 * prices.logsIngestionGb() * million;
        out.printf("  Logs         %.0f bytes of JSON log, %.0f of Lambda's START/END/REPORT lines (%.2f invocations)   %s%n", logBytes / n,
                platformBytes / n, invocations / n, usd(logs));
        double xray = traced * prices.xrayTrace() * million; // one trace per sampled event, whatever it reaches
        out.printf("  X-Ray        %.2f traces   %s%n", traced, usd(xray));
        double total = dynamo + lambda + bus + logs + xray;
        out.printf("  total        %s per million events%n", usd(total));
        return total;
    }

    /**
     * The share of events Lambda's active tracing samples at {@code perSecond} events a second: the
     * first each second, and 5% of the others (X-Ray's default rule, which Lambda applies).
     */
    static double sampledShare(double perSecond) {
        return perSecond <= 1 ? 1 : (1 + 0.05 * (perSecond - 1)) / perSecond;
    }

    /** Nothing is always on but the tick: one scheduler invocation a minute with nothing to do. */
    private void idle(PrintWriter out, AwsPrices prices, int schedulerMb, Project project) {
        StoreMeter meter = new StoreMeter();
        Counting logBytes = new Counting();
        JsonLog log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC(), Map.of());
        try (EmbeddedFanOut stack = EmbeddedFanOut.start(project, "lake", run -> { }, staged -> { }, log, Clock.systemUTC(), List.of(meter))) {
            for (int i = 0; i < 20; i++) {
                stack.scheduler().tick();
            }
            int ticks = 50;
            meter.start();
            logBytes.reset();
            long start = System.nanoTime();
            for (int i = 0; i < ticks; i++) {
                stack.scheduler().tick();
            }
            double ms = (System.nanoTime() - start) / 1e6 / ticks;
            StoreMeter.Reading store = meter.stop();
            double perMonth = 60 * 24 * 30;
            double lambda = perMonth * (prices.lambdaRequest() + Math.ceil(ms) / 1000.0 * schedulerMb / 1024.0 * prices.lambdaGbSecond());
            double dynamo = perMonth * (store.writeUnits() / ticks * prices.dynamoWriteUnit() + store.readUnits() / ticks * prices.dynamoReadUnit());
            // Its own JSON ("tick done") and Lambda's lines. Under Active tracing each tick is a trace,
            // 43,200 a month: within X-Ray's 100,000 free ones.
            double bytes = logBytes.sum() / (double) ticks + LambdaPlatformLog.bytes(ms, (long) Math.ceil(ms), schedulerMb, traced > 0);
            double logs = perMonth * bytes / 1e9 * prices.logsIngestionGb();
            out.printf("%nidle, per month (30 days): one tick a minute, %.1f ms each, %.1f store calls (%.2f read, %.2f write units): "
                    + "Lambda %s + DynamoDB %s + logs %s (%.0f bytes a tick) = %s; Amazon MWAA's smallest environment (mw1.small, always on): %s%n",
                    ms, store.totalCalls() / (double) ticks, store.readUnits() / ticks, store.writeUnits() / ticks,
                    usd(lambda), usd(dynamo), usd(logs), bytes, usd(lambda + dynamo + logs), usd(prices.mwaaSmallHour() * 24 * 30));
        }
    }

    private static String detailType(String json) {
        return EventJson.read(json).path("detail-type").asText();
    }

    private static String usd(double dollars) {
        return String.format("$%.2f", dollars);
    }

    /** Counts the bytes written through it; keeps none. */
    private static final class Counting extends OutputStream {
        private final LongAdder bytes = new LongAdder();

        @Override
        public void write(int b) {
            bytes.increment();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.add(len);
        }

        long sum() {
            return bytes.sum();
        }

        void reset() {
            bytes.reset();
        }
    }
}
