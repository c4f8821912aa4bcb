package io.freshet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The shaded jar that {@code local/freshet} runs (built in {@code package}, so failsafe, after it):
 * it carries the version the build wrote, and its commands answer {@code --help}. The unit tests
 * see target/classes; only this sees what a user runs.
 */
class FreshetJarIT {

    static final Path JAR = Path.of("target", "freshet.jar");

    record Result(int code, String out) {
    }

    static Result freshet(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "freshet " + String.join(" ", args) + " did not end");
        return new Result(p.exitValue(), out);
    }

    @Test
    void theJarPrintsTheBuildsVersion() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package");
        Result r = freshet("--version");
        assertEquals(0, r.code(), r.out());
        assertEquals("freshet " + FreshetCli.Version.version(), r.out().lines().findFirst().orElse(""), r.out());
        assertTrue(r.out().matches("freshet \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\nJava .*\n"), r.out());
    }

    @Test
    void theJarsCommandsAnswerHelp() throws Exception {
        Result r = freshet("status", "--help");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("Usage: freshet status"), r.out());
        Result bad = freshet("status", "--frobnicate");
        assertEquals(2, bad.code(), bad.out());
    }
}
