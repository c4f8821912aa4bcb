package io.freshet.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A Python virtual environment under {@code target/} with an independent reader's packages
 * installed ({@link Reader}: pyiceberg, or the Python DuckDB with its Iceberg extension from PyPI).
 * Made once per {@code target/} (reused while it imports the pinned versions); pip downloads into
 * {@code ~/.cache/freshet/pip}, so a clean build reinstalls from the cache.
 *
 * <p>Without python3 or its venv module, or when pip cannot install (no PyPI), the test is skipped
 * with the reason; with the reader's variable set to 1 (CI: {@code FRESHET_REQUIRE_PYICEBERG},
 * {@code FRESHET_REQUIRE_DUCKDB_ICEBERG}) each of those fails it instead.
 */
public final class PythonVenv {

    /**
     * An independent reader's venv: its directory under {@code target/}, the pip requirements, a
     * Python statement that exits 0 only when the pinned versions import, and the environment
     * variable that turns a skip into a failure.
     */
    public record Reader(String name, List<String> requirements, String check, String requireVariable) {
    }

    public static final Reader PYICEBERG = new Reader("pyiceberg", List.of("pyiceberg[sql-postgres,pyarrow]==0.12.0"),
            "import pyiceberg, pyarrow, psycopg2, sys; sys.exit(pyiceberg.__version__ != '0.12.0')", "FRESHET_REQUIRE_PYICEBERG");

    /**
     * The Python DuckDB and its extensions as PyPI packages of the same version (the extension
     * binaries are in the wheels, so nothing is downloaded when the reader runs).
     */
    public static final Reader DUCKDB_ICEBERG = new Reader("duckdb-iceberg", List.of("duckdb==1.5.5",
            "duckdb-extension-iceberg==1.5.5", "duckdb-extension-httpfs==1.5.5", "duckdb-extension-avro==1.5.5"),
            "import duckdb, duckdb_extension_iceberg, duckdb_extension_httpfs, duckdb_extension_avro, sys; "
                    + "sys.exit(duckdb.__version__ != '1.5.5')", "FRESHET_REQUIRE_DUCKDB_ICEBERG");

    private final Path directory;
    private final Reader reader;

    private PythonVenv(Path directory, Reader reader) {
        this.directory = directory;
        this.reader = reader;
    }

    public Path python() {
        return directory.resolve("bin").resolve("python");
    }

    /** The pyiceberg venv. */
    public static PythonVenv ready() throws IOException, InterruptedException {
        return ready(PYICEBERG);
    }

    public static PythonVenv ready(Reader reader) throws IOException, InterruptedException {
        PythonVenv venv = new PythonVenv(Path.of("target", reader.name() + "-venv").toAbsolutePath(), reader);
        if (Files.isExecutable(venv.python()) && run(List.of(venv.python().toString(), "-c", reader.check()), 60).ok()) {
            return venv;
        }
        String skipped = ": the independent " + reader.name() + " reader test is skipped";
        Result python = run(List.of("python3", "--version"), 30);
        venv.unless(python.ok(), "python3 is not available (" + python.output().strip() + ")" + skipped);
        Result made = run(List.of("python3", "-m", "venv", "--clear", venv.directory.toString()), 120);
        venv.unless(made.ok(), "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)" + skipped + "\n"
                + made.output());
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "freshet", "pip");
        List<String> install = new ArrayList<>(List.of(venv.python().toString(), "-m", "pip", "install", "--quiet",
                "--cache-dir", cache.toString()));
        install.addAll(reader.requirements());
        Result pip = run(install, 600);
        venv.unless(pip.ok(), "pip could not install " + String.join(" ", reader.requirements()) + skipped + "\n" + pip.output());
        return venv;
    }

    /** Runs {@code script} with the venv's python and returns its standard output; fails on a non-zero exit. */
    public String run(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python().toString(), script.toString()));
        command.addAll(List.of(args));
        Result r = run(command, 120);
        if (!r.ok()) {
            throw new AssertionError("the reader failed:\n" + r.output());
        }
        return r.output();
    }

    private void unless(boolean ok, String reason) {
        if (ok) {
            return;
        }
        if ("1".equals(System.getenv(reader.requireVariable()))) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
    }

    /** An exit code, the standard output, and for a failure both outputs. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("freshet-python", ".out");
        Path err = Files.createTempFile("freshet-python", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException notFound) {
                return new Result(-1, String.valueOf(notFound.getMessage()));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " took more than " + timeoutSeconds + " s");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? new Result(0, stdout)
                    : new Result(p.exitValue(), stdout + Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
