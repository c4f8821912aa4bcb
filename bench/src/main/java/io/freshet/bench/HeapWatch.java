package io.freshet.bench;

import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The heap's high-water mark, two ways: the largest heap occupancy seen just before a
 * collection (GC notifications; exact at those moments), and the pools' own peak usage
 * (MemoryPoolMXBean; each pool's peak, summed: an upper bound, as the pools peak at different
 * times).
 */
final class HeapWatch implements AutoCloseable {
    final AtomicLong peakBeforeGc = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = (n, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo gc = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (var e : gc.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (isHeap(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        peakBeforeGc.accumulateAndGet(used, Math::max);
    };

    HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private static boolean isHeap(String pool) {
        return ManagementFactory.getMemoryPoolMXBeans().stream().anyMatch(p -> p.getName().equals(pool) && p.getType() == MemoryType.HEAP);
    }

    void reset() {
        System.gc();
        peakBeforeGc.set(0);
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    long poolPeaks() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    long peakUsed() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return Math.max(peakBeforeGc.get(), now);
    }

    long peakCommitted() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getCommitted()).sum();
    }

    void report(PrintWriter out) {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                MemoryUsage peak = p.getPeakUsage();
                out.printf("  pool %-22s peak %s used, %s committed%n", p.getName(), BenchSnapshot.mb(peak.getUsed()), BenchSnapshot.mb(peak.getCommitted()));
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            out.printf("  gc   %-22s %d collections, %d ms%n", gc.getName(), gc.getCollectionCount(), gc.getCollectionTime());
        }
        out.printf("  non-heap (metaspace, code cache) %s used%n", BenchSnapshot.mb(ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed()));
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (Exception ignored) {
                // gone with the JVM
            }
        }
    }
}
