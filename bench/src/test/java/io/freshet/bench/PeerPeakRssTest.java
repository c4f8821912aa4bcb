package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer's peak RSS is its own. Linux keeps {@code ru_maxrss} across exec, so a Python the
 * benchmark's JVM starts would report the JVM's peak as its own; {@code duckdb_scanner.py} reads
 * its VmHWM instead. Checked with a JVM far larger than a Python that does nothing.
 */
class PeerPeakRssTest {

    private static final int MB = 1 << 20;

    @Test
    void aPeerStartedByALargeJvmReportsItsOwnPeakNotTheJvms(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux only: elsewhere the script falls back to ru_maxrss");
        Path script = dir.resolve("duckdb_scanner.py");
        try (InputStream in = SnapshotDuckDbScanner.class.getResourceAsStream("duckdb_scanner.py")) {
            Files.copy(in, script);
        }
        byte[][] held = new byte[400][];
        for (int i = 0; i < held.length; i++) {
            held[i] = new byte[MB];
            Arrays.fill(held[i], (byte) 1); // resident, not only reserved
        }
        Process python = new ProcessBuilder("python3", "-c",
                "import runpy, sys; print(runpy.run_path(sys.argv[1], run_name='probe')['peak_rss']())", script.toString())
                .redirectErrorStream(true).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(python.waitFor() == 0, out);
        long peer = Long.parseLong(out);
        assertTrue(held[held.length - 1][0] == 1);
        assertTrue(peer > 1 * MB && peer < 100L * MB, "a Python that did nothing, beside a JVM holding 400 MB: " + peer / MB + " MB");
    }
}
