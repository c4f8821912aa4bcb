package io.freshet.bench.coldstart;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Launches the JVMs that are measured: {@link ColdStartProbe} on a given class path, with only the
 * given environment (and JAVA_TOOL_OPTIONS), and reads the line it prints. The probe's class file
 * is written out of this jar into a directory and a jar of its own (CDS archives only classes from
 * jars), to sit on the class path beside a function's package.
 */
final class ProbeLauncher {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coldstart-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Path java;
    private final Path work;
    private final String jvmOptions;
    private final Path probeDir;
    private final Path probeJar;

    private ProbeLauncher(Path java, Path work, String jvmOptions, Path probeDir, Path probeJar) {
        this.java = java;
        this.work = work;
        this.jvmOptions = jvmOptions;
        this.probeDir = probeDir;
        this.probeJar = probeJar;
    }

    /** A launcher of {@code java} JVMs working in {@code work}, each given {@code jvmOptions} too. */
    static ProbeLauncher create(Path java, Path work, String jvmOptions) throws IOException {
        String entry = ColdStartProbe.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = ProbeLauncher.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IllegalStateException(entry + " is not on the class path");
            }
            bytes = in.readAllBytes();
        }
        Path probeDir = work.resolve("probe");
        Path file = probeDir.resolve(entry);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        Path probeJar = work.resolve("probe.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(probeJar))) {
            jar.putNextEntry(new ZipEntry(entry));
            jar.write(bytes);
            jar.closeEntry();
        }
        return new ProbeLauncher(java, work, jvmOptions, probeDir, probeJar);
    }

    Path java() {
        return java;
    }

    /** The probe, in the layout beside a package: a directory beside a directory, a jar beside a jar. */
    Path probe(Variant.Layout layout) {
        return layout == Variant.Layout.DIR ? probeDir : probeJar;
    }

    /** Launches one JVM with only {@code env} (and JAVA_TOOL_OPTIONS = {@code flags}) and reads its probe line. */
    Measured launch(String label, List<String> classPath, String flags, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        Path err = work.resolve("logs").resolve(label.replaceAll("[^A-Za-z0-9.-]+", "_") + ".err");
        Files.createDirectories(err.getParent());
        ProcessBuilder pb = processBuilder(classPath, flags, env, args).redirectError(err.toFile());
        long launchedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Process p = pb.start();
        ScheduledFuture<?> kill = WATCHDOG.schedule(p::destroyForcibly, 180, TimeUnit.SECONDS);
        Output output = read(p, t0);
        int exit = p.waitFor();
        kill.cancel(false);
        ProbeLine line = output.line;
        if (line == null || (exit != 0 && line.error() == null)) {
            List<String> stderr = Files.readAllLines(err).stream().filter(x -> !x.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
            line = ProbeLine.failed("exit " + exit + ": " + String.join(" | ", stderr.subList(Math.max(0, stderr.size() - 5), stderr.size())));
        }
        return new Measured(label, line, launchedAt, output.wallFirst, List.copyOf(output.tail));
    }

    private ProcessBuilder processBuilder(List<String> classPath, String flags, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", String.join(File.pathSeparator, classPath),
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
        return pb;
    }

    /** What a JVM printed: when its first response came (ms after {@code t0}), its probe line, its last other lines. */
    private record Output(double wallFirst, ProbeLine line, Deque<String> tail) {
    }

    private static Output read(Process p, long t0) throws IOException {
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
        return new Output(wallFirst, line, tail);
    }
}
