package io.freshet.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.sun.management.OperatingSystemMXBean;

/** What {@code bench snapshot} reads of this process and machine: CPU time, peak RSS, load average. */
final class ProcessFigures {

    private ProcessFigures() {
    }

    /** This JVM's CPU time, all threads (DuckDB's native ones included). */
    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** Resets this process's VmHWM to its current RSS (Linux: {@code echo 5 > /proc/self/clear_refs}), so a peak belongs to what follows. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux: the peak then covers the whole run
        }
    }

    /** A field of /proc/self/status in bytes (Linux). */
    static Optional<Long> rss(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Optional.empty();
    }
}
