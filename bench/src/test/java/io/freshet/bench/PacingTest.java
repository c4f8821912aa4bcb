package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.junit.jupiter.api.Test;

/**
 * The paced stream of {@code bench dispatch} must leave the machine's cores to the stack it
 * measures: the waiting thread's CPU time, not the wall time, is what is checked.
 */
class PacingTest {

    @Test
    void waitingForTheNextSendTimeUsesAlmostNoCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long interval = 20_000_000L; // 20 ms, a paced stream of 50 events a second
        for (int i = 1; i <= 10; i++) {
            Pacing.until(start + i * interval);
        }
        long wall = System.nanoTime() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        assertTrue(wall >= 10 * interval, "returned before the last send time: " + wall / 1e6 + " ms");
        // A spin would use about the whole wall time; parking uses microseconds per wake-up.
        assertTrue(cpu < wall / 5, "the wait used " + cpu / 1e6 + " ms of CPU in " + wall / 1e6 + " ms");
    }
}
