package io.freshet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * The best peer: the Python DuckDB with its postgres_scanner extension, both from PyPI at the same
 * version (the extension binary is in the wheel, nothing is downloaded when it runs), in a venv
 * this benchmark makes under {@code ~/.cache/freshet/} and reuses while it imports the pinned
 * version. Each measurement runs the script in a child process: DuckDB started, {@code ATTACH} the
 * database, {@code COPY (SELECT * FROM pg.public.t) TO 'x.parquet' (FORMAT parquet, COMPRESSION
 * zstd)}, DuckDB closed, timed inside the script: the whole read, as Freshet's snapshot is timed
 * (its DuckDB's start, its connections, its close), and the COPY alone. The interpreter's start and
 * the extension's load are not counted, as Freshet's JVM start and DuckDB library load are not.
 */
final class SnapshotDuckDbScanner {

    static final String VERSION = "1.5.5";

    /**
     * One read: rows, seconds of the COPY, peak RSS of the Python process, its CPU seconds during
     * the COPY; seconds and CPU seconds of the whole read (DuckDB's start, ATTACH, COPY, close).
     */
    record Read(long rows, double copySeconds, long peakRss, double copyCpuSeconds, double seconds, double cpuSeconds) {
    }

    private final Path python;
    private final Path script;

    private SnapshotDuckDbScanner(Path python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** The venv, made or reused; throws with pip's output when it cannot be made (no PyPI, no python3-venv). */
    static SnapshotDuckDbScanner ready(Path work) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("user.home"), ".cache", "freshet");
        Path venv = home.resolve("bench-duckdb-postgres-" + VERSION);
        Path python = venv.resolve("bin").resolve("python");
        String check = "import duckdb, duckdb_extension_postgres_scanner, sys; sys.exit(duckdb.__version__ != '" + VERSION + "')";
        if (!Files.isExecutable(python) || run(List.of(python.toString(), "-c", check), 60) != 0) {
            require(run(List.of("python3", "-m", "venv", "--clear", venv.toString()), 120), "python3 -m venv " + venv);
            require(run(List.of(python.toString(), "-m", "pip", "install", "--quiet", "--cache-dir", home.resolve("pip").toString(),
                    "duckdb==" + VERSION, "duckdb-extension-postgres-scanner==" + VERSION), 900), "pip install duckdb " + VERSION);
        }
        Path script = work.resolve("duckdb_scanner.py");
        try (InputStream in = SnapshotDuckDbScanner.class.getResourceAsStream("duckdb_scanner.py")) {
            Files.copy(in, script);
        }
        return new SnapshotDuckDbScanner(python, script);
    }

    Read read(BenchDatabase pg, String table, Path parquet, int threads) throws IOException, InterruptedException {
        String dsn = pg.libpq();
        Path out = Files.createTempFile(parquet.getParent(), "duckdb", ".out");
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), dsn, table, parquet.toString(), Integer.toString(threads)));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(3600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("DuckDB's scanner took more than an hour");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8).strip();
        Files.delete(out);
        if (p.exitValue() != 0) {
            throw new IOException("DuckDB's scanner failed: " + text);
        }
        String[] last = text.substring(text.lastIndexOf('\n') + 1).trim().split("\\s+");
        if (last.length < 6) {
            throw new IOException("DuckDB's scanner printed no figures: " + text);
        }
        return new Read(Long.parseLong(last[0]), Double.parseDouble(last[1]), Long.parseLong(last[2]), Double.parseDouble(last[3]),
                Double.parseDouble(last[4]), Double.parseDouble(last[5]));
    }

    private static void require(int exit, String what) throws IOException {
        if (exit != 0) {
            throw new IOException(what + " failed (exit " + exit + ")");
        }
    }

    private static int run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
