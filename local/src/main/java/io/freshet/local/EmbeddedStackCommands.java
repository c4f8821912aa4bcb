package io.freshet.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.freshet.cli.OptionValues;
import io.freshet.cli.operate.EmbeddedStackFile;
import io.freshet.cli.operate.OperateException;
import io.freshet.cli.page.LineagePage;
import io.freshet.cli.page.PageData;
import io.freshet.cli.page.PageServer;
import io.freshet.local.demo.Demo;
import io.freshet.local.demo.EmbeddedDemoStack;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.local.stack.FirstSnapshots;
import io.freshet.local.stack.LocalParameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The embedded stack from the command line: {@code up}, {@code put} and {@code demo}. */
public final class EmbeddedStackCommands {

    private EmbeddedStackCommands() {
    }

    /** The repository holding template.yaml and pipelines/ (the launcher passes its own root). */
    public static Path repository(String given) {
        Path root = Path.of(given);
        if (!Files.exists(root.resolve("template.yaml")) || !Files.isDirectory(root.resolve("pipelines"))) {
            throw new OperateException(root.toAbsolutePath().normalize() + " holds no template.yaml and pipelines/: run from a Freshet repository or give --repository");
        }
        return root;
    }

    @Command(name = "up", description = "Start the embedded stack (DynamoDB Local, S3, PostgreSQL, EventBridge, every function, the minute tick) "
            + "and keep it running until Ctrl-C.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--repository", defaultValue = "${env:FRESHET_HOME:-.}", description = "where template.yaml and pipelines/ are (default: ${DEFAULT-VALUE})")
        String repository;

        @Option(names = "--state", defaultValue = ".freshet", description = "where the stack description and the function logs go (default: ${DEFAULT-VALUE})")
        Path state;

        @Option(names = "--no-seed", description = "do not seed the metro example's database nor run the schedules whose outputs are read with 'latest' once")
        boolean noSeed;

        @Option(names = "--parameter", paramLabel = "NAME=VALUE", description = "a value of a template.yaml parameter (such as one the "
                + "locations name, ${Env}), over its Default and samconfig.toml's parameter_overrides; repeatable")
        Map<String, String> parameters = new LinkedHashMap<>();

        @Option(names = "--config-env", defaultValue = LocalParameters.DEFAULT_CONFIG_ENV, description = "the samconfig.toml environment "
                + "whose parameter_overrides apply, as sam deploy --config-env (default: ${DEFAULT-VALUE})")
        String configEnv;

        @CommandLine.Mixin
        OptionValues.Zone zone;

        @Option(names = "--port", defaultValue = "8765", converter = OptionValues.Port.class, description = "serve the lineage page on 127.0.0.1 at this port; 0: any free port (default: ${DEFAULT-VALUE})")
        int port;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            try {
                Session session = start(new EmbeddedStack.Options(repository(repository), state, Clock.systemUTC(), true, configEnv, parameters),
                        port, zone.get(), !noSeed, out, e -> spec.commandLine().getErr().println("tick failed: " + e.getMessage()));
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    session.close();
                    stopped.countDown();
                }));
                out.println("Ctrl-C stops it.");
                out.flush();
                stopped.await();
                return 0;
            } catch (OperateException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
        }

        /** A running {@code up}: the stack, its lineage page and the file that describes it, until closed. */
        record Session(EmbeddedStack stack, PageServer page, Path file) implements AutoCloseable {
            @Override
            public void close() {
                page.stop();
                stack.close();
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }

        /**
         * Everything {@code up} does before it waits for Ctrl-C: the lineage page (times in {@code zone}), the stack, its
         * description in {@code state}, the seeded metro database and the dimensions a first upload
         * reads ({@link FirstSnapshots}), and the minute tick.
         */
        static Session start(Path root, Path state, int port, ZoneId zone, boolean seed, Clock clock, PrintWriter out,
                             Consumer<RuntimeException> onTickError) {
            return start(new EmbeddedStack.Options(root, state, clock, true), port, zone, seed, out, onTickError);
        }

        /** As above, the template's parameters as {@code options} give them. */
        static Session start(EmbeddedStack.Options options, int port, ZoneId zone, boolean seed, PrintWriter out,
                             Consumer<RuntimeException> onTickError) {
            Path state = options.stateDir();
            Clock clock = options.clock();
            // Bound first, so that a port in use stops us before anything has started.
            AtomicReference<EmbeddedStack> running = new AtomicReference<>();
            PageServer page;
            try {
                page = PageServer.start(port, () -> {
                    EmbeddedStack s = running.get();
                    if (s == null) {
                        throw new IllegalStateException("the stack is still starting; reload in a moment");
                    }
                    return LineagePage.render(PageData.collect(s.project(), s.store(), s.schedulerStore(), PageData.Context.of(
                            "the local stack (" + s.describe().dynamodb() + ")", zone, clock, true)));
                });
            } catch (IOException e) {
                throw new OperateException("cannot serve the lineage page on 127.0.0.1:" + port + " (" + e.getMessage()
                        + "): give another --port, or --port 0 for any free one");
            }
            EmbeddedStack stack;
            try {
                stack = EmbeddedStack.start(options);
            } catch (RuntimeException e) {
                page.stop();
                throw e;
            }
            running.set(stack);
            Path file = state.resolve("local-stack.json");
            Session session = new Session(stack, page, file);
            try {
                stack.describe().write(file);
                List<FirstSnapshots.Played> played = List.of();
                if (seed) {
                    Demo.seedYesterday(stack.postgres(), clock);
                    played = FirstSnapshots.play(stack, clock, Duration.ofMinutes(5));
                }
                stack.startTicking(onTickError);
                out.println("Freshet is up (embedded: no Docker, no AWS account).");
                out.println("  functions   " + String.join(", ", stack.wiring().functions().keySet()) + " (from template.yaml)");
                out.println("  lake        s3://" + stack.lakeBucket() + " at " + stack.describe().s3());
                out.println("  parameters  " + parametersLine(stack));
                out.println("  DynamoDB    " + stack.describe().dynamodb() + " (table " + stack.describe().table() + ")");
                out.println("  EventBridge " + stack.describe().eventbridge() + " (bus " + stack.busName() + ")");
                out.println("  PostgreSQL  " + stack.postgres().jdbcUrl() + (seed ? " (metro.db seeded)" : ""));
                out.println("  tables      " + tablesLine(stack));
                for (FirstSnapshots.Played p : played) {
                    out.println("  first run   " + p.pipeline() + "/" + p.partition() + " (its schedule's last fire, so that what reads it with "
                            + "'latest' has data): " + p.run().map(r -> r.state() + r.finishReason().map(f -> " - " + f).orElse("")).orElse("not run"));
                }
                out.println("  logs        " + state.resolve("logs").resolve("functions.jsonl"));
                out.println("  lineage     " + page.uri() + " (the asset graph and its state; reload for the current state)");
                out.println("Try: local/freshet put examples/taps.csv landing/taps/date=2026-05-26/taps-0815.csv");
                out.println("     local/freshet runs --local");
                out.println("     local/freshet materialize core.trips --partition 2026-05-26 --force --local");
                out.flush();
                return session;
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        }
    }

    @Command(name = "put", description = "Upload a file into the running local stack's lake; S3 announces it as it would in AWS.")
    static final class Put implements Callable<Integer> {
        @Parameters(index = "0", description = "the file to upload")
        Path file;

        @Parameters(index = "1", description = "the key in the lake bucket, e.g. landing/taps/date=2026-05-26/taps-0815.csv")
        String key;

        @Option(names = "--local-stack", defaultValue = ".freshet/local-stack.json", description = "the stack 'freshet up' described (default: ${DEFAULT-VALUE})")
        Path stackFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                if (!Files.isRegularFile(file)) {
                    throw new OperateException("no file " + file);
                }
                EmbeddedStackFile stack = EmbeddedStackFile.read(stackFile);
                try (S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.EU_CENTRAL_1)
                        .endpointOverride(stack.s3()).forcePathStyle(true)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
                    s3.putObject(b -> b.bucket(stack.lakeBucket()).key(key), RequestBody.fromFile(file));
                }
                spec.commandLine().getOut().println("put s3://" + stack.lakeBucket() + "/" + key + " (" + file.toFile().length() + " bytes)");
                return 0;
            } catch (OperateException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
        }
    }

    /** The stack's parameters that have a value, as its locations' {@code ${Name}} take them. */
    static String parametersLine(EmbeddedStack stack) {
        return stack.parameters().values().entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue()).toList() + " (${Name} in locations; template.yaml, samconfig.toml, --parameter)";
    }

    /** Where a reader finds the lake's tables (docs/reading.md shows pyiceberg and DuckDB reading them). */
    static String tablesLine(EmbeddedStack stack) {
        return "namespace " + stack.lakeNamespace() + " in Iceberg's JDBC catalog 'freshet' at " + stack.postgres().jdbcUrl()
                + " (user " + stack.postgres().user() + "), files on " + stack.describe().s3() + ": docs/reading.md";
    }

    /** Describes the stack where the operating commands look, and waits for Ctrl-C. */
    static void keepUp(EmbeddedStack stack, PrintWriter out) {
        Path file = EmbeddedStackFile.DEFAULT;
        stack.describe().write(file);
        out.println("The demo's stack stays up (its clock stopped at the end of the story). In another terminal:");
        out.println("  local/freshet status --local    local/freshet runs --local    local/freshet why <run-id> --local");
        out.println("  local/freshet events core.trips --local    local/freshet page --local    local/freshet tables --local");
        out.println("Its lake tables: " + tablesLine(stack));
        out.println("Ctrl-C stops it.");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort
            }
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Command(name = "demo", description = "Show the whole story on an embedded stack in seconds: snapshot, exports, triggered runs, "
            + "checks, a lazy deadline, the assets' freshness; exit 0 when it completed.")
    static final class DemoCommand implements Callable<Integer> {
        @Option(names = "--repository", defaultValue = "${env:FRESHET_HOME:-.}", description = "where template.yaml and pipelines/ are (default: ${DEFAULT-VALUE})")
        String repository;

        @Option(names = "--state", defaultValue = ".freshet/demo", description = "where the function logs go (default: ${DEFAULT-VALUE})")
        Path state;

        @Option(names = "--keep", description = "keep the stack up after the story (until Ctrl-C), for status, events, runs, why and page --local")
        boolean keep;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                PrintWriter out = spec.commandLine().getOut();
                return new Demo(out, repository(repository), state).run(s -> {
                    if (keep && s instanceof EmbeddedDemoStack e) {
                        keepUp(e.embedded(), out);
                    }
                });
            } catch (OperateException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
        }
    }
}
