package io.freshet.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.aws.s3.S3Clients;
import io.freshet.aws.store.DynamoStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.local.stack.LocalFunctions;
import io.freshet.local.stack.TemplateWiring;
import io.freshet.scheduler.SchedulerHandler;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.testkit.LocalS3;
import io.freshet.trigger.TriggerHandler;
import io.freshet.cli.OptionValues;
import io.freshet.local.EmbeddedStackCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cold starts of the functions, each from its own package: for every run a new JVM whose class
 * path is only the function's package (as {@code functions/<name>/target/<name>.jar} holds it,
 * unpacked as {@code sam build} unpacks it, or the jar itself) and {@link ColdStartProbe}, with the
 * function's environment from template.yaml (JAVA_TOOL_OPTIONS included) pointed at DynamoDB
 * Local, S3Proxy and the in-process EventBridge running in this JVM. The probe builds the handler
 * as Lambda does and invokes it twice with events prepared here through the normal path: an S3
 * {@code Object Created} of a new landing key as the bus delivers it; the trigger's delivery of the
 * {@code Asset Updated} that completes a partition of core_network; a tick; the {@code Run
 * Requested} of a core_network run over raw.* Parquet, created by the trigger's own code.
 *
 * <p>Variants change one thing each (the JVM flags, the class path's layout, priming), and run
 * interleaved with the others, so drift on the machine hits them all alike; the floor is a JVM
 * that only starts and prints.
 */
@Command(name = "coldstart", description = "JVM start to first handler response of each function from its own package, "
        + "a new JVM per run, with class data sharing, AOT cache and priming variants (see docs/performance.md).")
final class BenchColdStart implements Callable<Integer> {

    /** The functions measured, by their directory under functions/, with their logical ids in template.yaml. */
    static final Map<String, String> FUNCTIONS = orderedMap(
            "s3-events", "S3EventsFunction", "trigger", "TriggerFunction", "scheduler", "SchedulerFunction", "runner", "RunnerFunction");

    /** Those whose Lambda constructor primes (SnapStart snapshots what it did). */
    static final List<String> PRIMING = List.of("s3-events", "trigger", "scheduler");

    static final String ARN_PREFIX = "arn:aws:lambda:eu-central-1:000000000000:function:";

    enum Layout { DIR, JAR }

    enum Variant {
        TEMPLATE("template", Layout.DIR, "template.yaml's JAVA_TOOL_OPTIONS, the package unpacked as Lambda runs it (/var/task), no priming"),
        FULL_JIT("full-jit", Layout.DIR, "as template without -XX:+TieredCompilation -XX:TieredStopAtLevel=1: the JVM's default JIT"),
        PRIMED("primed", Layout.DIR, "as template, with the handler's priming in its Lambda constructor (what SnapStart would snapshot)"),
        JAR("jar", Layout.JAR, "as template, the shaded jar itself on the class path instead of its unpacked directory"),
        APPCDS("appcds", Layout.JAR, "as jar, with -XX:SharedArchiveFile of a dynamic archive from a training run (-XX:ArchiveClassesAtExit)"),
        AOT_CACHE("aot-cache", Layout.JAR, "as jar, with a JDK 25 AOT cache from a training run (-XX:AOTCacheOutput, then -XX:AOTCache)");

        final String label;
        final Layout layout;
        final String description;

        Variant(String label, Layout layout, String description) {
            this.label = label;
            this.layout = layout;
            this.description = description;
        }

        boolean trained() {
            return this == APPCDS || this == AOT_CACHE;
        }
    }

    @Option(names = "--runs", defaultValue = "5", converter = OptionValues.AtLeastOne.class, description = "new JVMs per function and variant (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--functions", split = ",", defaultValue = "s3-events,trigger,scheduler,runner",
            description = "which functions (default: ${DEFAULT-VALUE})")
    List<String> functions;

    @Option(names = "--variants", split = ",", description = "which variants: template, full-jit, primed, jar, appcds, aot-cache (default: all that apply)")
    List<String> variantNames;

    @Option(names = "--java", description = "the java launcher of the functions' JVMs (default: the one running this command)")
    Optional<Path> javaOption;

    @Option(names = "--repository", defaultValue = "${env:FRESHET_HOME:-.}", description = "where template.yaml, pipelines/ and functions/*/target are (default: ${DEFAULT-VALUE})")
    String repository;

    @Option(names = "--verbose", description = "print every run")
    boolean verbose;

    @Option(names = "--jvm-options", defaultValue = "", description = "added to every function JVM's JAVA_TOOL_OPTIONS, e.g. "
            + "'-Xlog:class+load:file=/tmp/classes-%%p.log' to see what each loads")
    String jvmOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private Path work;
    private Path javaLauncher;
    private Path probeDir;
    private Path probeJar;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Path root = EmbeddedStackCommands.repository(repository).toAbsolutePath().normalize();
        for (String f : functions) {
            if (!FUNCTIONS.containsKey(f)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no function '" + f + "' (one of " + FUNCTIONS.keySet() + ")");
            }
        }
        List<Variant> chosen = variants();
        javaLauncher = javaOption.orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        work = Files.createTempDirectory("freshet-bench-coldstart");
        try {
            writeProbe();
            Map<String, Package> packages = new LinkedHashMap<>();
            for (String f : functions) {
                packages.put(f, unpack(root, f));
            }
            try (Services services = Services.start(root, work)) {
                return measure(services, packages, chosen);
            }
        } finally {
            deleteTree(work);
        }
    }

    private List<Variant> variants() {
        if (variantNames == null || variantNames.isEmpty()) {
            return List.of(Variant.values());
        }
        List<Variant> out = new ArrayList<>();
        for (String name : variantNames) {
            out.add(Stream.of(Variant.values()).filter(v -> v.label.equals(name)).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "no variant '" + name + "'")));
        }
        return out;
    }

    // ------------------------------------------------------------------ measuring

    private int measure(Services services, Map<String, Package> packages, List<Variant> chosen) throws Exception {
        long began = System.nanoTime();
        // The floor: a JVM that starts, prints and exits, with the small functions' flags.
        String smallFlags = services.environment("S3EventsFunction").getOrDefault("JAVA_TOOL_OPTIONS", "");
        List<Measured> floor = new ArrayList<>();
        Package anyPackage = packages.values().iterator().next();
        for (int i = 0; i < runs; i++) {
            floor.add(launch("floor", List.of(anyPackage.dir.toString(), probeDir.toString()), smallFlags, Map.of(), List.of("--floor")));
        }
        String jdk = floor.get(0).line.jdk;
        int feature = feature(jdk);
        out.printf("JVMs: %s (%s), %d cores, %s %s %s; %d runs per function and variant%n", javaLauncher, jdk,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), runs);
        if (feature != 21) {
            out.printf("note: Lambda's java21 runtime is JDK 21; these JVMs are JDK %d (give --java a JDK 21 to match)%n", feature);
        }
        out.flush();

        Map<String, Map<Variant, List<Measured>>> results = new LinkedHashMap<>();
        Map<String, Map<Variant, String>> unavailable = new LinkedHashMap<>();
        // The scheduler first: runs that the other functions' preparation creates would change what its tick sweeps.
        List<String> order = new ArrayList<>(functions);
        order.sort(Comparator.comparing(f -> f.equals("scheduler") ? 0 : 1));
        for (String f : order) {
            long t0 = System.nanoTime();
            Package pkg = packages.get(f);
            String logicalId = FUNCTIONS.get(f);
            Map<String, String> env = services.environment(logicalId);
            env.put("LAMBDA_TASK_ROOT", pkg.dir.toString());
            if (f.equals("runner")) {
                env.put("FRESHET_SCRATCH_DIR", work.resolve("scratch").toString());
                pkg.nativeJar().ifPresent(n -> out.printf("runner: %s is first on its class path (its package ships DuckDB's linux-arm64 native only; this machine is %s)%n",
                        n, System.getProperty("os.arch")));
            }
            if (f.equals("scheduler")) {
                services.warmTick(pkg); // what every later tick finds: a tick has run before
            }
            Map<Variant, String> flags = new EnumMap<>(Variant.class);
            Map<Variant, String> missing = new EnumMap<>(Variant.class);
            String templateFlags = env.getOrDefault("JAVA_TOOL_OPTIONS", "");
            for (Variant v : chosen) {
                switch (v) {
                    case TEMPLATE, JAR -> flags.put(v, templateFlags);
                    case FULL_JIT -> {
                        if (templateFlags.contains("TieredStopAtLevel")) {
                            flags.put(v, Stream.of(templateFlags.split("\\s+")).filter(t -> !t.contains("TieredStopAtLevel") && !t.equals("-XX:+TieredCompilation"))
                                    .collect(Collectors.joining(" ")));
                        } else {
                            missing.put(v, "the template gives it the full JIT already");
                        }
                    }
                    case PRIMED -> {
                        if (PRIMING.contains(f)) {
                            flags.put(v, templateFlags);
                        } else {
                            missing.put(v, "its handler does not prime");
                        }
                    }
                    case APPCDS -> train(f, pkg, env, templateFlags, "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", "-Xshare:on", "jsa", services)
                            .ifPresentOrElse(x -> flags.put(v, x), () -> missing.put(v, "the training run made no usable archive"));
                    case AOT_CACHE -> {
                        if (feature < 25) {
                            missing.put(v, "needs JDK 25 (-XX:AOTCacheOutput); Lambda's java21 has no AOT cache");
                        } else {
                            train(f, pkg, env, templateFlags, "-XX:AOTCacheOutput=", "-XX:AOTCache=", "-XX:AOTMode=on", "aot", services)
                                    .ifPresentOrElse(x -> flags.put(v, x), () -> missing.put(v, "the training run made no usable cache"));
                        }
                    }
                }
            }
            unavailable.put(f, missing);
            Map<Variant, List<Measured>> byVariant = new LinkedHashMap<>();
            results.put(f, byVariant);
            for (int i = 0; i < runs; i++) {
                for (Variant v : flags.keySet()) {
                    List<String> events = services.events(f, 2);
                    Map<String, String> e = new LinkedHashMap<>(env);
                    if (v != Variant.PRIMED) {
                        e.put("FRESHET_PRIMING", "off");
                    }
                    Measured m = launch(f + " " + v.label + " #" + (i + 1), classPath(pkg, v.layout), flags.get(v), e,
                            args(services, logicalId, events));
                    String problem = services.check(f, m, events);
                    if (problem != null) {
                        m = new Measured(m.label, ProbeLine.failed(problem), m.launchedAtMillis, m.wallFirstMs, m.tail);
                    }
                    byVariant.computeIfAbsent(v, x -> new ArrayList<>()).add(m);
                    if (verbose) {
                        out.printf("  %-10s %-10s #%d  %s%n", f, v.label, i + 1, m.describe());
                        out.flush();
                    }
                }
            }
            out.printf("%s: %d variants x %d runs in %.0f s%n", f, flags.size(), runs, (System.nanoTime() - t0) / 1e9);
            out.flush();
        }
        report(floor, results, unavailable, chosen, (System.nanoTime() - began) / 1e9);
        return 0;
    }

    /**
     * A training run with {@code dumpFlag} (two invocations, as measured), then a check that the
     * JVM really maps what it wrote ({@code strictFlag}: a JVM that cannot use it refuses to start).
     * Returns the flags of the measured runs.
     */
    private Optional<String> train(String f, Package pkg, Map<String, String> env, String templateFlags, String dumpFlag, String useFlag,
                                   String strictFlag, String extension, Services services) throws Exception {
        Path file = work.resolve("archives").resolve(f + "." + extension);
        Files.createDirectories(file.getParent());
        List<String> events = services.events(f, 2);
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put("FRESHET_PRIMING", "off");
        Measured training = launch(f + " training " + extension, classPath(pkg, Layout.JAR), (templateFlags + " " + dumpFlag + file).trim(), e,
                args(services, FUNCTIONS.get(f), events));
        if (training.line.error != null || !Files.isRegularFile(file)) {
            out.printf("%s: the training run for %s failed: %s%n", f, extension, training.line.error);
            return Optional.empty();
        }
        String use = (templateFlags + " " + useFlag + file).trim();
        Measured check = launch(f + " check " + extension, classPath(pkg, Layout.JAR), use + " " + strictFlag, Map.of(), List.of("--floor"));
        if (check.line.error != null) {
            out.printf("%s: a JVM with %s%s %s does not start: %s%n", f, useFlag, file.getFileName(), strictFlag, check.line.error);
            return Optional.empty();
        }
        return Optional.of(use);
    }

    private List<String> classPath(Package pkg, Layout layout) {
        List<String> cp = new ArrayList<>();
        pkg.nativeJar().ifPresent(n -> cp.add(n.toString()));
        cp.add(layout == Layout.DIR ? pkg.dir.toString() : pkg.jar.toString());
        cp.add(layout == Layout.DIR ? probeDir.toString() : probeJar.toString());
        return cp;
    }

    private static List<String> args(Services services, String logicalId, List<String> eventFiles) {
        List<String> args = new ArrayList<>();
        args.add(services.wiring.functions().get(logicalId).handlerClass());
        args.addAll(eventFiles);
        return args;
    }

    /** One run: what the probe printed, and what was measured from outside. */
    record Measured(String label, ProbeLine line, long launchedAtMillis, double wallFirstMs, List<String> tail) {

        String describe() {
            if (line.error != null) {
                return "FAILED: " + line.error;
            }
            if (line.invoked.length == 0) {
                return "main %d ms, wall %.0f ms".formatted(line.main, wallFirstMs);
            }
            return "main %d, init %d, first %d, second %d, start->first %d, wall %.0f ms; %s".formatted(line.main, line.init(), line.first(),
                    line.second(), line.invoked[0], wallFirstMs, line.response);
        }
    }

    /** What {@link ColdStartProbe} prints, parsed. Times in ms since JVM start; {@code error} set when it failed. */
    record ProbeLine(long start, String jdk, long main, long constructed, long[] invoked, long classes, String response, String error) {

        static ProbeLine parse(String line) {
            if (!line.startsWith(ColdStartProbe.PREFIX + " ")) {
                throw new IllegalArgumentException("not a probe line: " + line);
            }
            String rest = line.substring(ColdStartProbe.PREFIX.length() + 1);
            int err = rest.indexOf("error=");
            if (err == 0) {
                return failed(rest.substring("error=".length()));
            }
            String response = "";
            int r = rest.indexOf(" response=");
            if (r >= 0) {
                response = rest.substring(r + " response=".length());
                rest = rest.substring(0, r);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String token : rest.trim().split("\\s+")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    fields.put(token.substring(0, eq), token.substring(eq + 1));
                }
            }
            String invoked = fields.getOrDefault("invoked", "");
            return new ProbeLine(Long.parseLong(fields.getOrDefault("start", "0")), fields.getOrDefault("jdk", ""),
                    Long.parseLong(fields.getOrDefault("main", "-1")), Long.parseLong(fields.getOrDefault("constructed", "-1")),
                    invoked.isEmpty() ? new long[0] : Stream.of(invoked.split(",")).mapToLong(Long::parseLong).toArray(),
                    Long.parseLong(fields.getOrDefault("classes", "-1")), response, null);
        }

        static ProbeLine failed(String error) {
            return new ProbeLine(0, "", -1, -1, new long[0], -1, "", error);
        }

        long init() {
            return constructed - main;
        }

        long first() {
            return invoked.length > 0 ? invoked[0] - constructed : -1;
        }

        long second() {
            return invoked.length > 1 ? invoked[1] - invoked[0] : -1;
        }
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coldstart-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Launches one JVM with only {@code env} (and JAVA_TOOL_OPTIONS = {@code flags}) and reads its probe line. */
    private Measured launch(String label, List<String> classPath, String flags, Map<String, String> env, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaLauncher.toString(), "-cp", String.join(java.io.File.pathSeparator, classPath),
                ColdStartProbe.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        String options = (flags + " " + jvmOptions).trim();
        if (options.isEmpty()) {
            pb.environment().remove("JAVA_TOOL_OPTIONS");
        } else {
            pb.environment().put("JAVA_TOOL_OPTIONS", options);
        }
        Path err = work.resolve("logs").resolve(label.replaceAll("[^A-Za-z0-9.-]+", "_") + ".err");
        Files.createDirectories(err.getParent());
        pb.redirectError(err.toFile());
        long launchedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Process p = pb.start();
        ScheduledFuture<?> kill = WATCHDOG.schedule(p::destroyForcibly, 180, TimeUnit.SECONDS);
        double wallFirst = -1;
        ProbeLine line = null;
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String s;
            while ((s = r.readLine()) != null) {
                if (s.equals(ColdStartProbe.FIRST)) {
                    wallFirst = (System.nanoTime() - t0) / 1e6;
                } else if (s.startsWith(ColdStartProbe.PREFIX + " ")) {
                    if (wallFirst < 0) {
                        wallFirst = (System.nanoTime() - t0) / 1e6; // the floor prints no first response
                    }
                    line = ProbeLine.parse(s);
                } else {
                    tail.addLast(s);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                }
            }
        }
        int exit = p.waitFor();
        kill.cancel(false);
        if (line == null || (exit != 0 && line.error == null)) {
            List<String> stderr = Files.readAllLines(err).stream().filter(x -> !x.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
            line = ProbeLine.failed("exit " + exit + ": " + String.join(" | ", stderr.subList(Math.max(0, stderr.size() - 5), stderr.size())));
        }
        return new Measured(label, line, launchedAt, wallFirst, List.copyOf(tail));
    }

    static int feature(String jdk) {
        Matcher m = Pattern.compile("^(\\d+)").matcher(jdk);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    // ------------------------------------------------------------------ the report

    private void report(List<Measured> floor, Map<String, Map<Variant, List<Measured>>> results, Map<String, Map<Variant, String>> unavailable,
                        List<Variant> chosen, double seconds) {
        out.println();
        out.printf("Milliseconds, median (min) of %d runs. JVM start = RuntimeMXBean.getStartTime(); init = handler constructed (what SnapStart snapshots);%n", runs);
        out.println("first/second = each invocation; wall = from launching the process to the first response, read from its output.");
        out.println();
        out.println("| function | variant | JVM start -> main | init | first invocation | second invocation | JVM start -> first response | wall: launch -> first response | classes loaded |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        List<Measured> okFloor = floor.stream().filter(m -> m.line.error == null).toList();
        out.printf("| floor | JVM that starts and prints | %s | | | | | %s | |%n", cell(okFloor, m -> (double) m.line.main),
                cell(okFloor, Measured::wallFirstMs));
        int failures = (int) (floor.size() - okFloor.size());
        for (String function : functions) { // in the order asked for, whatever the order measured
            Map.Entry<String, Map<Variant, List<Measured>>> f = Map.entry(function, results.get(function));
            for (Map.Entry<Variant, List<Measured>> v : f.getValue().entrySet()) {
                List<Measured> ok = v.getValue().stream().filter(m -> m.line.error == null).toList();
                failures += v.getValue().size() - ok.size();
                out.printf("| %s | %s%s | %s | %s | %s | %s | %s | %s | %s |%n", f.getKey(), v.getKey().label,
                        ok.size() < v.getValue().size() ? " (" + (v.getValue().size() - ok.size()) + " failed)" : "",
                        cell(ok, m -> (double) m.line.main), cell(ok, m -> (double) m.line.init()), cell(ok, m -> (double) m.line.first()),
                        cell(ok, m -> (double) m.line.second()), cell(ok, m -> (double) m.line.invoked[0]), cell(ok, Measured::wallFirstMs),
                        cell(ok, m -> (double) m.line.classes));
            }
        }
        out.println();
        for (Variant v : chosen) {
            out.printf("%-10s %s%n", v.label, v.description);
        }
        unavailable.forEach((f, missing) -> missing.forEach((v, why) -> out.printf("not measured: %s %s: %s%n", f, v.label, why)));
        for (Map<Variant, List<Measured>> byVariant : results.values()) {
            byVariant.values().stream().flatMap(List::stream).filter(m -> m.line.error != null).limit(3)
                    .forEach(m -> out.printf("failed: %s: %s%n  last output: %s%n", m.label, m.line.error, String.join("\n  ", m.tail)));
        }
        out.printf("%d JVMs in %.0f s%s%n", floor.size() + results.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum(),
                seconds, failures > 0 ? ", " + failures + " FAILED" : "");
        out.flush();
    }

    private static String cell(List<Measured> runs, java.util.function.ToDoubleFunction<Measured> metric) {
        if (runs.isEmpty()) {
            return "-";
        }
        double[] v = runs.stream().mapToDouble(metric).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return "%.0f (%.0f)".formatted(median, v[0]);
    }

    // ------------------------------------------------------------------ packages and the probe

    /** A function's package: the shaded jar the build makes, unpacked as sam build does; and DuckDB's native for this machine. */
    record Package(String function, Path jar, Path dir, Optional<Path> nativeJar) {
    }

    private Package unpack(Path root, String f) throws IOException {
        Path jar = root.resolve("functions").resolve(f).resolve("target").resolve(f + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the packages first (scripts/build-functions.sh)");
        }
        Path dir = work.resolve("packages").resolve(f);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the package: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        if (!Files.isDirectory(dir.resolve("pipelines"))) {
            throw new IllegalStateException(jar + " has no pipelines/");
        }
        Optional<Path> nativeJar = Optional.empty();
        String arch = System.getProperty("os.arch");
        if (f.equals("runner") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            nativeJar = Optional.of(duckDbJar(root));
        }
        out.printf("%s: %s (%s, %.1f MB), unpacked%n", f, root.relativize(jar), Files.getLastModifiedTime(jar), Files.size(jar) / 1e6);
        return new Package(f, jar, dir, nativeJar);
    }

    /** DuckDB's JDBC jar of the version the build uses, from the local Maven repository: it has the linux-amd64 native. */
    private static Path duckDbJar(Path root) throws IOException {
        Matcher m = Pattern.compile("<duckdb.version>([^<]+)</duckdb.version>").matcher(Files.readString(root.resolve("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("pom.xml names no duckdb.version");
        }
        String v = m.group(1).trim();
        Path jar = Path.of(System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository"))
                .resolve("org/duckdb/duckdb_jdbc").resolve(v).resolve("duckdb_jdbc-" + v + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the runner's package has DuckDB's linux-arm64 native only, and this machine needs linux-amd64");
        }
        return jar;
    }

    /** The probe's class file, from this jar, in a directory and in a jar of its own (CDS archives only classes from jars). */
    private void writeProbe() throws IOException {
        String entry = ColdStartProbe.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = BenchColdStart.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IllegalStateException(entry + " is not on the class path");
            }
            bytes = in.readAllBytes();
        }
        probeDir = work.resolve("probe");
        Path file = probeDir.resolve(entry);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        probeJar = work.resolve("probe.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(probeJar))) {
            jar.putNextEntry(new ZipEntry(entry));
            jar.write(bytes);
            jar.closeEntry();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @SafeVarargs
    private static <T> Map<T, T> orderedMap(T... kv) {
        Map<T, T> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    // ------------------------------------------------------------------ the local services and the events

    /**
     * DynamoDB Local, S3Proxy (its writes announce themselves on the default bus) and the
     * in-process EventBridge with template.yaml's rules and the consumer rules, as the embedded
     * stack wires them, except that each function's target only keeps what it is delivered: the
     * probes are the functions. Events for them are made through the normal path and taken from
     * there.
     */
    static final class Services implements AutoCloseable {

        private final LocalDynamo dynamo;
        private final LocalEventBridge bus;
        private final LocalS3 s3;
        final TemplateWiring wiring;
        private final Project project;
        private final String busName;
        private final String lake;
        private final DynamoStore store;
        private final PublishingAnnouncer announcer;
        private final Path work;
        private final Path root;
        private final Map<String, ConcurrentLinkedQueue<String>> delivered = new ConcurrentHashMap<>();
        private RequestStreamHandler trigger;
        private int nextPartition;
        private int nextKey;
        private List<String> rawObjects;

        private Services(LocalDynamo dynamo, LocalEventBridge bus, LocalS3 s3, TemplateWiring wiring, Project project, String table,
                         String busName, String lake, Path work, Path root) {
            this.dynamo = dynamo;
            this.bus = bus;
            this.s3 = s3;
            this.wiring = wiring;
            this.project = project;
            this.busName = busName;
            this.lake = lake;
            this.store = new DynamoStore(dynamo.client(), table, Clock.systemUTC());
            this.announcer = new PublishingAnnouncer(new EventPublisher(bus.client(), busName));
            this.work = work;
            this.root = root;
        }

        static Services start(Path root, Path work) {
            Project project = ProjectLoader.load(root.resolve("pipelines")).orThrow();
            Path template = root.resolve("template.yaml");
            LocalDynamo dynamo = LocalDynamo.start();
            LocalEventBridge bus = LocalEventBridge.start(LocalEventBridge.Delivery.ASYNCHRONOUS, Clock.systemUTC());
            LocalS3 s3 = LocalS3.start(Clock.systemUTC());
            String prefix = TemplateWiring.read(template, Map.of(), id -> id).parameters().getOrDefault("StackPrefix", "freshet");
            String table = prefix + "-state";
            String lake = prefix + "-lake-local";
            TemplateWiring wiring = TemplateWiring.read(template, Map.of("StateTable", table, "Bus", prefix, "LakeBucket", lake), Services::arn);
            Services s = new Services(dynamo, bus, s3, wiring, project, table, prefix, lake, work, root);
            s.wire(table);
            return s;
        }

        static String arn(String logicalId) {
            return logicalId.endsWith("DeadLetters") ? "arn:aws:sqs:eu-central-1:000000000000:" + logicalId : ARN_PREFIX + logicalId;
        }

        private void wire(String table) {
            DynamoStore.createTable(dynamo.client(), table);
            s3.createBucket(lake);
            LocalFunctions.forwardObjectCreated(s3, bus.client());
            for (String logicalId : wiring.functions().keySet()) {
                ConcurrentLinkedQueue<String> q = delivered.computeIfAbsent(logicalId, x -> new ConcurrentLinkedQueue<>());
                bus.registerTarget(arn(logicalId), q::add);
            }
            LocalFunctions.createRules(bus.client(), wiring, project, Services::arn);
        }

        /** A function's environment as template.yaml gives it, with the local endpoints and Lambda's own variables. */
        Map<String, String> environment(String logicalId) {
            TemplateWiring.Function f = wiring.functions().get(logicalId);
            Map<String, String> env = new LinkedHashMap<>(f.environment());
            env.put("FRESHET_ENDPOINT_DYNAMODB", dynamo.endpoint().toString());
            env.put("FRESHET_ENDPOINT_EVENTBRIDGE", bus.endpoint().toString());
            env.put("FRESHET_ENDPOINT_S3", s3.endpoint().toString());
            env.remove("FRESHET_PG_SECRET_ARN");
            env.put("AWS_REGION", "eu-central-1");
            env.put("AWS_DEFAULT_REGION", "eu-central-1");
            // Credentials in the environment, as Lambda gives them, but no session token: S3Proxy refuses
            // requests that carry one (NotImplemented).
            env.put("AWS_ACCESS_KEY_ID", "local");
            env.put("AWS_SECRET_ACCESS_KEY", "local");
            env.put("AWS_LAMBDA_FUNCTION_NAME", busName + "-" + logicalId);
            env.put("TZ", ":UTC");
            return env;
        }

        /** The same environment for a handler built in this JVM (preparing events), logging to a file. */
        private Map<String, String> inProcessEnvironment(String logicalId, Path pipelinesParent) {
            Map<String, String> env = environment(logicalId);
            env.put("FRESHET_PIPELINES_DIR", pipelinesParent.resolve("pipelines").toString());
            env.put("FRESHET_LOG_FILE", work.resolve("logs").resolve("in-process.jsonl").toString());
            return env;
        }

        /** One tick in this JVM before the scheduler's runs, so that every measured tick finds the state a tick leaves. */
        void warmTick(Package pkg) throws IOException {
            invoke(new SchedulerHandler(inProcessEnvironment("SchedulerFunction", pkg.dir), Clock.systemUTC()), tickInput());
            settle();
        }

        /** {@code n} events for one run of function {@code f}, each in a file, each its own (a new key, partition or run). */
        List<String> events(String f, int n) throws IOException {
            List<String> files = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String json = switch (f) {
                    case "s3-events" -> objectCreated();
                    case "trigger" -> triggerDelivery(nextPartition());
                    case "scheduler" -> tickInput();
                    case "runner" -> runRequested(nextPartition());
                    default -> throw new IllegalArgumentException(f);
                };
                Path file = work.resolve("events").resolve(f + "-" + (nextKey++) + ".json");
                Files.createDirectories(file.getParent());
                Files.writeString(file, json);
                files.add(file.toString());
            }
            return files;
        }

        /** Why the run's response is not what the function answers for these events; null when it is. */
        String check(String f, Measured m, List<String> events) throws IOException {
            settle();
            List<String> runRequests = drain("RunnerFunction");
            drainAll();
            if (m.line.error != null) {
                return null;
            }
            String r = m.line.response;
            String partition = EventJson.read(Files.readString(Path.of(events.get(0)))).path("event").path("detail").path("partition").asText();
            boolean ok = switch (f) {
                case "s3-events" -> r.equals("{\"recorded\":1}");
                case "trigger" -> r.equals("{}") && runRequests.stream().anyMatch(d -> d.contains("\"" + partition + "\""));
                case "scheduler" -> r.startsWith("{");
                case "runner" -> r.equals("{\"state\":\"SUCCEEDED\"}");
                default -> false;
            };
            return ok ? null : "unexpected response " + r + (f.equals("trigger") ? " or no Run Requested for " + partition : "");
        }

        private String nextPartition() {
            return LocalDate.of(2020, 1, 1).plusDays(nextPartition++).toString();
        }

        /** A new tap export in the lake, as S3 announces it on the default bus and the rule delivers it to s3-events. */
        private String objectCreated() {
            String key = "landing/taps/date=" + nextPartition() + "/taps-" + (nextKey++) + ".csv";
            s3.client().putObject(b -> b.bucket(lake).key(key), RequestBody.fromString(
                    "tap_id,passenger_id,station_id,gate,direction,tapped_at\n1,7,3,A,in,2026-05-26T06:15:00Z\n", StandardCharsets.UTF_8));
            settle();
            String name = key.substring(key.lastIndexOf('/') + 1); // the key is URL-encoded in the event
            return take("S3EventsFunction", d -> d.contains(name));
        }

        /** What the trigger receives for core_network when raw.stations completes a partition whose other two inputs are pending. */
        private String triggerDelivery(String partition) throws IOException {
            announceRaw("raw.routes", partition);
            announceRaw("raw.route_stations", partition);
            settle();
            for (String d : drain("TriggerFunction")) {
                if (pipeline(d).equals("core_network")) {
                    invoke(trigger(), d);
                }
            }
            announceRaw("raw.stations", partition);
            settle();
            return take("TriggerFunction", d -> pipeline(d).equals("core_network"));
        }

        /** The Run Requested of a core_network run, created by the trigger's code in this JVM as the bus delivers it to the runner. */
        private String runRequested(String partition) throws IOException {
            String delivery = triggerDelivery(partition);
            invoke(trigger(), delivery);
            settle();
            return take("RunnerFunction", d -> EventJson.read(d).path("partition").asText().equals(partition)
                    && EventJson.read(d).path("pipeline").asText().equals("core_network"));
        }

        private String tickInput() {
            TemplateWiring.Schedule s = wiring.schedules().stream().filter(x -> x.function().equals("SchedulerFunction")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("template.yaml schedules no SchedulerFunction"));
            return s.input().replace("<aws.scheduler.scheduled-time>", Instant.now().truncatedTo(ChronoUnit.MINUTES).toString());
        }

        /** The trigger's code in this JVM, on the repository's pipelines (the packages' copy of them). */
        private RequestStreamHandler trigger() {
            if (trigger == null) {
                trigger = new TriggerHandler(inProcessEnvironment("TriggerFunction", root), Clock.systemUTC());
            }
            return trigger;
        }

        /** Records a raw.* snapshot of the partition and announces it, as the runner does when metro_snapshot succeeds. */
        private void announceRaw(String asset, String partition) throws IOException {
            List<String> objects = rawObjects();
            String object = objects.stream().filter(o -> o.contains("/" + asset.substring(4) + "/")).findFirst().orElseThrow();
            String id = "bench-" + asset + "-" + partition;
            AssetEvent e = new AssetEvent(id, asset, partition, Instant.now(), new Producer(Producer.Kind.RUN, "run-bench-" + partition),
                    "v-" + partition, Optional.of("bench"), List.of(object), Map.of("rows", "1"));
            String json = EventJson.assetUpdated(e);
            store.recordEvent(e, json);
            announcer.announce(EventJson.ASSET_UPDATED, json);
            store.markEventAnnounced(id);
        }

        /** Three small Parquet tables of the metro's network in the lake, written once with DuckDB. */
        private List<String> rawObjects() throws IOException {
            if (rawObjects != null) {
                return rawObjects;
            }
            Map<String, String> tables = orderedMap(
                    "routes", "SELECT 'R' || i AS route_id, 'L' || ((i + 1) // 2) AS line, CASE WHEN i % 2 = 0 THEN 'outbound' ELSE 'inbound' END AS direction FROM range(1, 7) t(i)",
                    "route_stations", "SELECT 'R' || r AS route_id, s AS stop_sequence, ((r * 7 + s) % 25) + 1 AS station_id FROM range(1, 7) a(r), range(1, 9) b(s)",
                    "stations", "SELECT i AS station_id, 'Station ' || i AS name FROM range(1, 26) t(i)");
            List<String> uris = new ArrayList<>();
            ObjectStore objects = new ObjectStore(S3Clients.create(Optional.of(s3.endpoint())));
            Path dir = work.resolve("raw");
            Files.createDirectories(dir);
            try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties()); Statement st = c.createStatement()) {
                for (Map.Entry<String, String> t : tables.entrySet()) {
                    Path file = dir.resolve(t.getKey() + ".parquet");
                    st.execute("COPY (" + t.getValue() + ") TO '" + file + "' (FORMAT parquet)");
                    String key = "raw/" + t.getKey() + "/date=2020-01-01/run=run-bench/attempt=1/part-0.parquet";
                    objects.put(lake, key, file); // as the runner uploads its outputs
                    uris.add("s3://" + lake + "/" + key);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("writing the raw.* Parquet files: " + e.getMessage(), e);
            }
            settle();
            drainAll();
            rawObjects = uris;
            return uris;
        }

        private static String pipeline(String delivery) {
            return EventJson.read(delivery).path("pipeline").asText();
        }

        private static void invoke(RequestStreamHandler h, String json) throws IOException {
            h.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
        }

        private void settle() {
            bus.awaitQuiescence(Duration.ofSeconds(60));
        }

        private List<String> drain(String logicalId) {
            ConcurrentLinkedQueue<String> q = delivered.get(logicalId);
            List<String> out = new ArrayList<>();
            for (String s; q != null && (s = q.poll()) != null; ) {
                out.add(s);
            }
            return out;
        }

        private void drainAll() {
            delivered.keySet().forEach(this::drain);
        }

        /** The delivery to {@code logicalId} that {@code match}es; the others are dropped. */
        private String take(String logicalId, Predicate<String> match) {
            List<String> all = drain(logicalId);
            return all.stream().filter(match).findFirst().orElseThrow(() -> new IllegalStateException(
                    "nothing matching was delivered to " + logicalId + "; got " + all.size() + " deliveries"
                            + (all.isEmpty() ? "" : ", first: " + all.get(0))));
        }

        @Override
        public void close() {
            bus.close();
            s3.close();
            dynamo.close();
        }
    }
}
