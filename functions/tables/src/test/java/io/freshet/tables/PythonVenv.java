package io.freshet.tables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A Python virtual environment under {@code target/} with pyiceberg installed, for the independent
 * reader test. Made once per {@code target/} (reused while it imports the pinned pyiceberg); pip
 * downloads into {@code ~/.cache/freshet/pip}, so a clean build reinstalls from the cache.
 *
 * <p>Without python3 or its venv module, or when pip cannot install (no PyPI), the test is skipped
 * with the reason; with {@code FRESHET_REQUIRE_PYICEBERG=1} (CI) each of those fails it instead.
 */
final class PythonVenv {

    static final String REQUIREMENT = "pyiceberg[sql-postgres,pyarrow]==0.12.0";
    private static final String VERSION = "0.12.0";

    private final Path directory;

    private PythonVenv(Path directory) {
        this.directory = directory;
    }

    Path python() {
        return directory.resolve("bin").resolve("python");
    }

    static PythonVenv ready() throws IOException, InterruptedException {
        PythonVenv venv = new PythonVenv(Path.of("target", "pyiceberg-venv").toAbsolutePath());
        if (Files.isExecutable(venv.python()) && run(List.of(venv.python().toString(), "-c",
                "import pyiceberg, pyarrow, psycopg2, sys; sys.exit(pyiceberg.__version__ != '" + VERSION + "')"), 60).ok()) {
            return venv;
        }
        Result python = run(List.of("python3", "--version"), 30);
        unless(python.ok(), "python3 is not available (" + python.output().strip() + "): the independent pyiceberg reader test is skipped");
        Result made = run(List.of("python3", "-m", "venv", "--clear", venv.directory.toString()), 120);
        unless(made.ok(), "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv): the independent pyiceberg "
                + "reader test is skipped\n" + made.output());
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "freshet", "pip");
        Result pip = run(List.of(venv.python().toString(), "-m", "pip", "install", "--quiet", "--cache-dir", cache.toString(),
                REQUIREMENT), 600);
        unless(pip.ok(), "pip could not install " + REQUIREMENT + ": the independent pyiceberg reader test is skipped\n"
                + pip.output());
        return venv;
    }

    /** Runs {@code script} with the venv's python and returns its standard output; fails on a non-zero exit. */
    String run(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python().toString(), script.toString()));
        command.addAll(List.of(args));
        Result r = run(command, 120);
        if (!r.ok()) {
            throw new AssertionError("the reader failed:\n" + r.output());
        }
        return r.output();
    }

    private static void unless(boolean ok, String reason) {
        if (ok) {
            return;
        }
        if ("1".equals(System.getenv("FRESHET_REQUIRE_PYICEBERG"))) {
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
