package io.freshet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.freshet.cli.operate.OperateException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --database-cpus} and {@code --client-cpus}: pins the embedded server and this process to
 * chosen CPUs with util-linux's {@code taskset}, so that {@code bench snapshot} can measure with
 * the database on cores of its own, as a runner reading a database on another machine does,
 * instead of the server and the clients sharing every core of one machine.
 *
 * <p>Affinity is inherited: the postmaster's later backends take its CPUs, and DuckDB's child
 * process takes this JVM's. {@code -a} pins every thread a process has already started (the JVM's
 * compiler and GC threads); the postmaster's auxiliary processes are pinned one by one.
 */
final class CpuPinning {

    /** taskset's list form: {@code 0}, {@code 0,2}, {@code 1-3}, {@code 0,2-3}. */
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    @Option(names = "--database-cpus", paramLabel = "CPUS", description = "pin the embedded PostgreSQL to these CPUs (taskset's list: 0, 0-1, 0,2); "
            + "with --client-cpus, the database on cores of its own, as on a machine of its own")
    String databaseCpus;

    @Option(names = "--client-cpus", paramLabel = "CPUS", description = "pin this process to these CPUs, and so Freshet, the COPY baselines and "
            + "DuckDB's scanner (a child process); the default threads and connections follow them")
    String clientCpus;

    /** Refuses a list taskset would not read, and pinning a server that is not the embedded one. */
    void check(CommandLine commandLine, boolean embeddedServer) {
        for (String cpus : Arrays.asList(databaseCpus, clientCpus)) {
            if (cpus != null && !isCpuList(cpus)) {
                throw new CommandLine.ParameterException(commandLine, "a CPU list is numbers and ranges, as taskset reads them (0, 0-1, 0,2): not '" + cpus + "'");
            }
        }
        if (databaseCpus != null && !embeddedServer) {
            throw new CommandLine.ParameterException(commandLine, "--database-cpus pins the embedded server; pin your own server where it runs");
        }
    }

    /** Pins this process (every thread, and every child it starts later) to {@code --client-cpus}, if given. */
    void pinClient() throws IOException, InterruptedException {
        if (clientCpus != null) {
            pinTree(ProcessHandle.current(), clientCpus);
        }
    }

    /**
     * Pins the embedded server to {@code --database-cpus}, if given: the postmaster and its
     * processes now, and so every backend it forks later.
     */
    void pinServer(BenchDatabase pg) throws IOException, InterruptedException {
        if (databaseCpus != null) {
            pinTree(pg.serverProcess(), databaseCpus);
        }
    }

    /** What is pinned where, for the settings line. */
    String describe() {
        return (clientCpus == null ? "" : " (client on CPUs " + clientCpus + ")") + (databaseCpus == null ? "" : "; database on CPUs " + databaseCpus);
    }

    /** Whether {@code cpus} is a CPU list taskset reads. */
    static boolean isCpuList(String cpus) {
        return CPU_LIST.matcher(cpus).matches();
    }

    /**
     * Pins {@code process}, every thread of it, and every process below it to {@code cpus}; a CPU
     * the machine lacks, or no taskset, is an {@link OperateException} with the reason.
     */
    static void pinTree(ProcessHandle process, String cpus) throws IOException, InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process);
        try (Stream<ProcessHandle> below = process.descendants()) {
            below.forEach(all::add);
        }
        for (ProcessHandle p : all) {
            pin(p.pid(), cpus, p == process);
        }
    }

    private static void pin(long pid, String cpus, boolean required) throws IOException, InterruptedException {
        Process taskset;
        try {
            taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new OperateException("pinning to CPUs needs util-linux's taskset on the PATH (" + e.getMessage() + ")");
        }
        String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        // A child that ended between listing and pinning (a short-lived backend) is not an error.
        if (taskset.waitFor() != 0 && (required || ProcessHandle.of(pid).isPresent())) {
            throw new OperateException("taskset could not pin process " + pid + " to CPUs " + cpus + ": " + output.replace('\n', ' '));
        }
    }
}
