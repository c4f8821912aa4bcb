package io.freshet.bench.coldstart;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JVM flags of each chosen variant for one function, or why the variant does not apply to it.
 * The class data sharing and AOT cache variants need a training run first, which writes the
 * archive their flags then map.
 */
final class VariantFlags {

    /** The flags of the variants that apply, and why each other one does not. */
    record Chosen(Map<Variant, String> flags, Map<Variant, String> missing) {
    }

    private final ProbeLauncher launcher;
    private final ColdStartServices services;
    private final Path work;
    private final PrintWriter out;
    private final int feature;

    /** {@code feature}: the JDK release the measured JVMs run (the AOT cache needs 25). */
    VariantFlags(ProbeLauncher launcher, ColdStartServices services, Path work, PrintWriter out, int feature) {
        this.launcher = launcher;
        this.services = services;
        this.work = work;
        this.out = out;
        this.feature = feature;
    }

    /** For function {@code f} with the environment {@code env} template.yaml gives it. */
    Chosen forFunction(String f, FunctionPackage pkg, Map<String, String> env, List<Variant> chosen) throws Exception {
        Map<Variant, String> flags = new EnumMap<>(Variant.class);
        Map<Variant, String> missing = new EnumMap<>(Variant.class);
        String templateFlags = env.getOrDefault("JAVA_TOOL_OPTIONS", "");
        for (Variant v : chosen) {
            switch (v) {
                case TEMPLATE, JAR -> flags.put(v, templateFlags);
                case COPIED_NATIVE -> {
                    if (pkg.driverResource().isPresent()) {
                        flags.put(v, templateFlags);
                    } else {
                        missing.put(v, f.equals("runner") ? "its package ships DuckDB's native as the driver's resource already" : "it ships no native library");
                    }
                }
                case FULL_JIT -> {
                    if (templateFlags.contains("TieredStopAtLevel=1")) {
                        flags.put(v, Stream.of(templateFlags.split("\\s+")).filter(t -> !t.contains("TieredStopAtLevel") && !t.equals("-XX:+TieredCompilation"))
                                .collect(Collectors.joining(" ")));
                    } else {
                        missing.put(v, "the template gives it the full JIT already");
                    }
                }
                case PRIMED -> {
                    if (BenchColdStart.PRIMING.contains(f)) {
                        flags.put(v, templateFlags);
                    } else {
                        missing.put(v, "its handler does not prime");
                    }
                }
                case APPCDS -> train(f, pkg, env, templateFlags, "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", "-Xshare:on", "jsa")
                        .ifPresentOrElse(x -> flags.put(v, x), () -> missing.put(v, "the training run made no usable archive"));
                case AOT_CACHE -> {
                    if (feature < 25) {
                        missing.put(v, "needs JDK 25 (-XX:AOTCacheOutput); Lambda's java21 has no AOT cache");
                    } else {
                        train(f, pkg, env, templateFlags, "-XX:AOTCacheOutput=", "-XX:AOTCache=", "-XX:AOTMode=on", "aot")
                                .ifPresentOrElse(x -> flags.put(v, x), () -> missing.put(v, "the training run made no usable cache"));
                    }
                }
            }
        }
        return new Chosen(flags, missing);
    }

    /**
     * A training run with {@code dumpFlag} (two invocations, as measured), then a check that the
     * JVM really maps what it wrote ({@code strictFlag}: a JVM that cannot use it refuses to start).
     * Returns the flags of the measured runs.
     */
    private Optional<String> train(String f, FunctionPackage pkg, Map<String, String> env, String templateFlags, String dumpFlag, String useFlag,
                                   String strictFlag, String extension) throws Exception {
        Path file = work.resolve("archives").resolve(f + "." + extension);
        Files.createDirectories(file.getParent());
        List<String> events = services.events(f, 2);
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put("FRESHET_PRIMING", "off");
        List<String> classPath = pkg.classPath(Variant.JAR, launcher);
        Measured training = launcher.launch(f + " training " + extension, classPath, (templateFlags + " " + dumpFlag + file).trim(), e,
                services.probeArgs(BenchColdStart.FUNCTIONS.get(f), events));
        if (!training.ok() || !Files.isRegularFile(file)) {
            out.printf("%s: the training run for %s failed: %s%n", f, extension, training.line().error());
            return Optional.empty();
        }
        String use = (templateFlags + " " + useFlag + file).trim();
        Measured check = launcher.launch(f + " check " + extension, classPath, use + " " + strictFlag, Map.of(), List.of("--floor"));
        if (!check.ok()) {
            out.printf("%s: a JVM with %s%s %s does not start: %s%n", f, useFlag, file.getFileName(), strictFlag, check.line().error());
            return Optional.empty();
        }
        return Optional.of(use);
    }
}
