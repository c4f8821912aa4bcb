package io.freshet.bench.coldstart;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.freshet.bench.TempDirs;
import io.freshet.cli.OptionValues;
import io.freshet.local.EmbeddedStackCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public final class BenchColdStart implements Callable<Integer> {

    /** The functions measured, by their directory under functions/, with their logical ids in template.yaml. */
    static final Map<String, String> FUNCTIONS = orderedMap(
            "s3-events", "S3EventsFunction", "trigger", "TriggerFunction", "scheduler", "SchedulerFunction", "runner", "RunnerFunction",
            "publisher", "PublisherFunction");

    /** The runner's kinds of run, each with the events {@link ColdStartServices#events} makes for it. */
    static final Map<String, String> RUNNER_RUNS = orderedMap("sql", "runner", "skipped", ColdStartServices.RUNNER_SKIPPED, "native", "runner-native");

    /** What the runner's {@code native} kind initializes, alone: its static initializer loads DuckDB's native library. */
    static final String DUCKDB_NATIVE = "org.duckdb.DuckDBNative";

    /** Those whose Lambda constructor primes (SnapStart snapshots what it did). */
    static final List<String> PRIMING = List.of("s3-events", "trigger", "scheduler");

    @Option(names = "--runs", defaultValue = "5", converter = OptionValues.AtLeastOne.class, description = "new JVMs per function and variant (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--functions", split = ",", defaultValue = "s3-events,trigger,scheduler,runner,publisher",
            description = "which functions (default: ${DEFAULT-VALUE})")
    List<String> functions;

    @Option(names = "--runner-runs", split = ",", defaultValue = "sql,skipped",
            description = "the runner's kinds of run: sql (a core_network run: DuckDB computes, checks and writes it), skipped (its input has no data: "
                    + "it ends SKIPPED, no DuckDB), native (no run: a JVM that only initializes DuckDB's DuckDBNative, which loads its native "
                    + "library) (default: ${DEFAULT-VALUE})")
    List<String> runnerRuns;

    @Option(names = "--variants", split = ",", description = "which variants: template, full-jit, primed, jar, appcds, aot-cache, copied-native "
            + "(default: all that apply)")
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
    private ProbeLauncher launcher;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Path root = EmbeddedStackCommands.repository(repository).toAbsolutePath().normalize();
        for (String f : functions) {
            if (!FUNCTIONS.containsKey(f)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no function '" + f + "' (one of " + FUNCTIONS.keySet() + ")");
            }
        }
        for (String kind : runnerRuns) {
            if (!RUNNER_RUNS.containsKey(kind)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no kind of run '" + kind + "' (one of " + RUNNER_RUNS.keySet() + ")");
            }
        }
        List<Variant> chosen = variants();
        Path javaLauncher = javaOption.orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        work = Files.createTempDirectory("freshet-bench-coldstart");
        try {
            launcher = ProbeLauncher.create(javaLauncher, work, jvmOptions);
            Map<String, FunctionPackage> packages = new LinkedHashMap<>();
            for (String f : functions) {
                packages.put(f, FunctionPackage.unpack(root, f, work, out));
            }
            try (ColdStartServices services = ColdStartServices.start(root, work)) {
                return measure(services, packages, chosen);
            }
        } finally {
            TempDirs.delete(work);
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

    private int measure(ColdStartServices services, Map<String, FunctionPackage> packages, List<Variant> chosen) throws Exception {
        long began = System.nanoTime();
        List<Measured> floor = floor(services, packages.values().iterator().next());
        String jdk = floor.get(0).line().jdk();
        int feature = ProbeLine.feature(jdk);
        out.printf("JVMs: %s (%s), %d cores, %s %s %s; %d runs per function and variant%n", launcher.java(), jdk,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), runs);
        if (feature != 21) {
            out.printf("note: Lambda's java21 runtime is JDK 21; these JVMs are JDK %d (give --java a JDK 21 to match)%n", feature);
        }
        out.flush();

        Map<String, Map<Variant, List<Measured>>> results = new LinkedHashMap<>();
        Map<String, Map<Variant, String>> unavailable = new LinkedHashMap<>();
        VariantFlags variantFlags = new VariantFlags(launcher, services, work, out, feature);
        // The scheduler first: runs that the other functions' preparation creates would change what its tick sweeps.
        List<String> order = new ArrayList<>(functions);
        order.sort(Comparator.comparing(f -> f.equals("scheduler") ? 0 : 1));
        for (String f : order) {
            long t0 = System.nanoTime();
            FunctionPackage pkg = packages.get(f);
            Map<String, String> env = environment(services, f, pkg);
            VariantFlags.Chosen variants = variantFlags.forFunction(f, pkg, env, chosen);
            for (Map.Entry<String, String> row : rows(f).entrySet()) {
                unavailable.put(row.getKey(), variants.missing());
                results.put(row.getKey(), runs(services, f, row.getValue(), pkg, env, variants.flags()));
            }
            out.printf("%s: %d variants x %d runs in %.0f s%n", f, variants.flags().size(), runs, (System.nanoTime() - t0) / 1e9);
            out.flush();
        }
        List<String> rows = functions.stream().flatMap(f -> rows(f).keySet().stream()).toList();
        new ColdStartReport(out, runs).print(floor, rows, results, unavailable, chosen, (System.nanoTime() - began) / 1e9);
        return 0;
    }

    /** The rows of function {@code f} in the table, each with the kind of events its runs get: the runner's one per kind of run. */
    private Map<String, String> rows(String f) {
        if (!f.equals("runner")) {
            return Map.of(f, f);
        }
        Map<String, String> rows = new LinkedHashMap<>();
        runnerRuns.forEach(kind -> rows.put(kind.equals("native") ? "runner: DuckDB's native alone" : "runner: " + kind + " run", RUNNER_RUNS.get(kind)));
        return rows;
    }

    /** The floor: a JVM that starts, prints and exits, with the small functions' flags. */
    private List<Measured> floor(ColdStartServices services, FunctionPackage anyPackage) throws IOException, InterruptedException {
        String smallFlags = services.environment("S3EventsFunction").getOrDefault("JAVA_TOOL_OPTIONS", "");
        List<Measured> floor = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            floor.add(launcher.launch("floor", List.of(anyPackage.dir().toString(), launcher.probe(Variant.Layout.DIR).toString()),
                    smallFlags, Map.of(), List.of("--floor")));
        }
        return floor;
    }

    /** Function {@code f}'s environment as Lambda gives it, and what it finds before its first measured run. */
    private Map<String, String> environment(ColdStartServices services, String f, FunctionPackage pkg) throws IOException {
        Map<String, String> env = services.environment(FUNCTIONS.get(f));
        env.put("LAMBDA_TASK_ROOT", pkg.dir().toString());
        env.put("LD_LIBRARY_PATH", pkg.lambdaLibraryPath());
        if (f.equals("runner")) {
            env.put("FRESHET_SCRATCH_DIR", work.resolve("scratch").toString());
        }
        if (f.equals("scheduler")) {
            services.warmTick(pkg); // what every later tick finds: a tick has run before
        }
        return env;
    }

    /** {@code runs} rounds of function {@code f} on events of {@code kind}, each variant once per round, interleaved so drift hits them alike. */
    private Map<Variant, List<Measured>> runs(ColdStartServices services, String f, String kind, FunctionPackage pkg, Map<String, String> env,
                                              Map<Variant, String> flags) throws IOException, InterruptedException {
        Map<Variant, List<Measured>> byVariant = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            for (Variant v : flags.keySet()) {
                boolean nativeAlone = kind.equals(RUNNER_RUNS.get("native"));
                List<String> events = nativeAlone ? List.of() : services.events(kind, 2);
                Map<String, String> e = new LinkedHashMap<>(env);
                if (v != Variant.PRIMED) {
                    e.put("FRESHET_PRIMING", "off");
                }
                Measured m = launcher.launch(kind + " " + v.label + " #" + (i + 1), pkg.classPath(v, launcher), flags.get(v), e,
                        nativeAlone ? List.of("--init", DUCKDB_NATIVE) : services.probeArgs(FUNCTIONS.get(f), events));
                String problem = nativeAlone ? null : services.check(kind, m, events);
                if (problem != null) {
                    m = m.failed(problem);
                }
                byVariant.computeIfAbsent(v, x -> new ArrayList<>()).add(m);
                if (verbose) {
                    out.printf("  %-14s %-13s #%d  %s%n", kind, v.label, i + 1, m.describe());
                    out.flush();
                }
            }
        }
        return byVariant;
    }

    @SafeVarargs
    static <T> Map<T, T> orderedMap(T... kv) {
        Map<T, T> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
