package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The runner's handler in a JVM of its own ({@link RunnerHandlerMain}), built as Lambda builds it
 * from the process environment, with this test JVM's class path (DuckDB's driver and OpenLineage
 * included), invoked with each event file in turn; {@code -Xlog:class+load} writes every class that
 * JVM loads to a file: the JVM's own record, complete, which no in-process check can be (this test
 * JVM has loaded DuckDB and OpenLineage for other tests already).
 *
 * @param output    what the JVM printed: one response a line
 * @param exitValue its exit status
 * @param loaded    the lines of its class-load log, one class each, in the order loaded
 */
record HandlerJvm(String output, int exitValue, List<String> loaded) {

    /** Runs the handler with {@code env} as its whole environment (plus local credentials) on {@code events}; none: only its init. */
    static HandlerJvm run(Path tmp, Map<String, String> env, Path... events) throws IOException, InterruptedException {
        Path classes = tmp.resolve("classes-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load:file=" + classes, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RunnerHandlerMain.class.getName()));
        if (Runtime.version().feature() >= 23) {
            // a snapshot's long strings go through sun.misc.Unsafe (ChunkStrings); its warning is no response
            command.add(1, "--sun-misc-unsafe-memory-access=allow");
        }
        for (Path e : events) {
            command.add(e.toString());
        }
        ProcessBuilder child = new ProcessBuilder(command).redirectErrorStream(true);
        child.environment().remove("JAVA_TOOL_OPTIONS");
        child.environment().putAll(env);
        child.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local"));
        child.environment().remove("AWS_SESSION_TOKEN");
        Process p = child.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM ends");
        return new HandlerJvm(output, p.exitValue(), Files.readAllLines(classes));
    }

    /** The classes loaded whose names start with {@code prefix} (a package: {@code "org.duckdb."}). */
    List<String> loadedOf(String prefix) {
        return loaded.stream().filter(l -> l.contains(" " + prefix)).toList();
    }
}
