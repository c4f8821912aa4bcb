package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.freshet.cli.operate.OperateException;

/** Pinning with the real taskset, read back from the kernel's own view ({@code /proc/<pid>/status}). */
class CpuPinningTest {

    @Test
    void cpuListsAreTasksetsForm() {
        for (String ok : List.of("0", "1", "0,2", "0-3", "0,2-3,7")) {
            assertTrue(CpuPinning.isCpuList(ok), ok);
        }
        for (String bad : List.of("", "a", "0,", "-1", "0 1", "1-", "0;1")) {
            assertFalse(CpuPinning.isCpuList(bad), bad);
        }
    }

    @Test
    void aProcessAndEveryProcessBelowItArePinned() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux only");
        // a shell whose own child is a second process: both must move
        Process shell = new ProcessBuilder("sh", "-c", "sleep 60 & wait").start();
        try {
            ProcessHandle child = awaitChild(shell.toHandle());
            CpuPinning.pinTree(shell.toHandle(), "0");
            assertEquals("0", allowedCpus(shell.pid()));
            assertEquals("0", allowedCpus(child.pid()));
        } finally {
            shell.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCpuTheMachineLacksIsRefusedWithTasksetsReason() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux only");
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            OperateException e = assertThrows(OperateException.class, () -> CpuPinning.pinTree(sleeper.toHandle(), "4095"));
            assertTrue(e.getMessage().startsWith("taskset could not pin process " + sleeper.pid() + " to CPUs 4095: "), e.getMessage());
        } finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theEmbeddedServersBackendsInheritItsCpus() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux only");
        try (BenchDatabase db = BenchDatabase.embedded()) {
            Backend first = backend(db);
            CpuPinning.pinTree(db.serverProcess(), "0");
            assertEquals("0", allowedCpus(first.postmaster()));
            assertEquals("0", backend(db).cpus(), "a backend forked after the pinning");
        }
    }

    /** What a backend's process is, read while its connection is open (the process ends with it). */
    private record Backend(long postmaster, String cpus) {
    }

    private static Backend backend(BenchDatabase db) throws Exception {
        try (var c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            assertTrue(rs.next());
            long pid = rs.getLong(1);
            return new Backend(ProcessHandle.of(pid).orElseThrow().parent().orElseThrow().pid(), allowedCpus(pid));
        }
    }

    private static ProcessHandle awaitChild(ProcessHandle parent) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var child = parent.children().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the shell started no child");
    }

    private static String allowedCpus(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst().orElseThrow();
    }
}
