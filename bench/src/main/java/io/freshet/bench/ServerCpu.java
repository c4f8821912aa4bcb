package io.freshet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CPU time the embedded PostgreSQL has used, from Linux's {@code /proc}: its postmaster's own,
 * that of every process it forked and still has (backends, background workers), and that of those
 * it has reaped (the kernel adds an exited child's time to its parent's {@code cutime} and
 * {@code cstime} when the parent waits for it, which the postmaster does for every backend). So a
 * difference of two readings is the server's work in between, whichever connections came and went:
 * on two shared cores the rows a reader gets per second follow the server's CPU per row as much as
 * its own, and this is the half of it that {@code ProcessFigures.cpuNanos} cannot see.
 */
final class ServerCpu {

    /** Readings of a server whose children keep exiting: after these many, the last is taken as it is. */
    private static final int MAX_ATTEMPTS = 20;

    private final long postmaster;
    private final long nanosPerTick;

    private ServerCpu(long postmaster, long nanosPerTick) {
        this.postmaster = postmaster;
        this.nanosPerTick = nanosPerTick;
    }

    /** The embedded server's, when this is Linux; empty for a user's server ({@code --url}), whose CPU is not on this machine. */
    static Optional<ServerCpu> of(BenchDatabase pg) {
        if (!pg.isEmbedded() || !Files.isReadable(Path.of("/proc/self/stat"))) {
            return Optional.empty();
        }
        try {
            ServerCpu cpu = new ServerCpu(pg.serverProcess().pid(), TimeUnit.SECONDS.toNanos(1) / clockTicksPerSecond());
            cpu.nanos();
            return Optional.of(cpu);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * CPU nanoseconds the server has used so far: the postmaster's own, its reaped children's and
     * its live ones'. A backend reaped while its siblings are listed would be in neither count, and
     * readers close their connections just before a reading, so the reaped children's time is read
     * before and after the listing and the listing taken again until the two agree.
     */
    long nanos() throws IOException {
        long[] before = postmasterTicks();
        for (int attempt = 1; ; attempt++) {
            long live = liveChildrenTicks();
            long[] after = postmasterTicks();
            if (after[1] == before[1] || attempt == MAX_ATTEMPTS) {
                return (after[0] + after[1] + live) * nanosPerTick;
            }
            before = after;
        }
    }

    /** The postmaster's own ticks and its reaped children's. */
    private long[] postmasterTicks() throws IOException {
        return times(stat(postmaster));
    }

    private long liveChildrenTicks() {
        long ticks = 0;
        try (Stream<ProcessHandle> below = ProcessHandle.of(postmaster).map(ProcessHandle::descendants).orElse(Stream.empty())) {
            for (ProcessHandle p : (Iterable<ProcessHandle>) below::iterator) {
                try {
                    ticks += times(stat(p.pid()))[0];
                } catch (IOException gone) {
                    // reaped since the listing: its time is in the postmaster's, which the caller reads again
                }
            }
        }
        return ticks;
    }

    private static String stat(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
    }

    /**
     * A process's own ticks (utime + stime) and its reaped children's (cutime + cstime) from its
     * {@code /proc/PID/stat}: fields 14-17, counted after the command's closing parenthesis, since a
     * command may hold spaces and parentheses.
     */
    static long[] times(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): utime is field 14, so f[11]; stime f[12]; cutime f[13]; cstime f[14]
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }

    /** {@code getconf CLK_TCK}, the unit of {@code /proc}'s times: 100 on every Linux seen, which it falls back to. */
    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
