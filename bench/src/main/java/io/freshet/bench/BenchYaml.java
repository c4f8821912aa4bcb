package io.freshet.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.freshet.core.load.LoadResult;
import io.freshet.core.load.ProjectLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Loading single large files: a sources file of many sources, and one pipeline with as many
 * inputs as outputs (the shape whose edges used to be multiplied out), at growing sizes, then a
 * file past the size limit. Linear loading shows as a time per megabyte that stays flat.
 */
@Command(name = "yaml", description = "Load single large pipeline files of growing size; time per MB should stay flat.")
final class BenchYaml implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", defaultValue = "0.5,1,2,4", description = "file sizes in MB (default: ${DEFAULT-VALUE})")
    List<Double> sizes;

    @Option(names = "--refused", defaultValue = "20", description = "size in MB of the file past the limit (default: ${DEFAULT-VALUE})")
    double refused;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-8s %9s %10s %10s %8s  %s%n", "shape", "MB", "load ms", "ms per MB", "heap MB", "result");
        for (String shape : List.of("sources", "wide")) {
            for (double mb : sizes) {
                run(out, shape, (long) (mb * 1_000_000));
            }
        }
        run(out, "sources", (long) (refused * 1_000_000));
        return 0;
    }

    private void run(PrintWriter out, String shape, long bytes) throws IOException {
        Path dir = Files.createTempDirectory("freshet-bench-yaml");
        try {
            long size = shape.equals("sources") ? sources(dir, bytes) : wide(dir, bytes);
            System.gc();
            Runtime rt = Runtime.getRuntime();
            long before = rt.totalMemory() - rt.freeMemory();
            long t0 = System.nanoTime();
            LoadResult result = ProjectLoader.load(dir, "bench", ProjectLoader.DEFAULT_PARAMETERS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long heap = Math.max(0, rt.totalMemory() - rt.freeMemory() - before) >> 20;
            String what = result.ok() ? result.orThrow().graph().assets().size() + " assets"
                    : result.errors().size() + " error(s): " + abbreviate(result.errors().get(0).message());
            out.printf("%-8s %9.2f %10d %10.0f %8d  %s%n", shape, size / 1e6, ms, ms / (size / 1e6), heap, what);
            out.flush();
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 70 ? s : s.substring(0, 70) + "...";
    }

    /** One sources file of about {@code bytes}. */
    private static long sources(Path dir, long bytes) throws IOException {
        StringBuilder b = new StringBuilder("sources:\n");
        for (int i = 0; b.length() < bytes; i++) {
            b.append("  landing.t").append(i).append(":\n    s3: s3://${LakeBucket}/landing/t").append(i).append("/date={date}/\n");
        }
        Files.writeString(dir.resolve("sources.yaml"), b, StandardCharsets.UTF_8);
        return b.length();
    }

    /** One pipeline of about {@code bytes} reading n sources and writing n outputs (its sources in files of their own). */
    private static long wide(Path dir, long bytes) throws IOException {
        int n = (int) (bytes / 190); // inputs, outputs, steps, condition and checks come to about 190 bytes per pair
        StringBuilder src = new StringBuilder();
        int file = 0;
        for (int i = 0; i < n; i++) {
            if (i % 20_000 == 0) {
                if (!src.isEmpty()) Files.writeString(dir.resolve("sources" + file++ + ".yaml"), src, StandardCharsets.UTF_8);
                src.setLength(0);
                src.append("sources:\n");
            }
            src.append("  landing.t").append(i).append(":\n    s3: s3://${LakeBucket}/landing/t").append(i).append("/date={date}/\n");
        }
        Files.writeString(dir.resolve("sources" + file + ".yaml"), src, StandardCharsets.UTF_8);
        StringBuilder p = new StringBuilder("pipeline: wide\ninputs:\n");
        for (int i = 0; i < n; i++) p.append("  - landing.t").append(i).append('\n');
        p.append("partitions: daily\noutputs:\n");
        for (int i = 0; i < n; i++) p.append("  core.o").append(i).append(": s3://${LakeBucket}/core/o").append(i).append("/date={date}/\n");
        p.append("trigger:\n  condition: landing.t0");
        for (int i = 1; i < n; i++) p.append(" | landing.t").append(i);
        p.append("\nsteps:\n");
        for (int i = 0; i < n; i++) p.append("  - sql:\n      output: core.o").append(i).append("\n      query: SELECT * FROM landing.t").append(i).append('\n');
        Files.writeString(dir.resolve("wide.yaml"), p, StandardCharsets.UTF_8);
        return p.length();
    }
}
