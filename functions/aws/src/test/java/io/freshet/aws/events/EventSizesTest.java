package io.freshet.aws.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.freshet.aws.events.EventPublisher.OutgoingEvent;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Entry sizes as AWS counts them, batching, backoff: pure functions, no server. */
class EventSizesTest {

    @Test
    void entrySizeCountsUtf8BytesOfSourceDetailTypeDetailAndResources() {
        OutgoingEvent e = new OutgoingEvent("Asset Updated", "{\"station\":\"Můstek\"}", List.of("arn:a", "arn:bb"));
        long expected = "freshet".length() + "Asset Updated".length() + "{\"station\":\"Můstek\"}".length() + 1 + 5 + 6;
        assertEquals(expected, EventPublisher.entrySize(e), "ů is two bytes in UTF-8");
        assertEquals(expected + 14, EventPublisher.entrySize("freshet", e.detailType(), e.detailJson(), e.resources(), true),
                "Time adds 14 bytes");
    }

    @Test
    void theDefaultBackoffWaits50100200And400Ms() {
        Backoff b = Backoff.DEFAULT;
        assertEquals(5, b.maxAttempts());
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= b.maxAttempts(); attempt++) {
            waits.add(b.delayBefore(attempt));
        }
        assertEquals(List.of(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), waits);
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMillis(50), 2, 0));
    }

    @Test
    void anOutgoingEventCopiesItsResources() {
        List<String> resources = new ArrayList<>(List.of("arn:a"));
        OutgoingEvent e = new OutgoingEvent("Asset Updated", "{}", resources);
        resources.add("arn:b");
        assertEquals(List.of("arn:a"), e.resources());
        assertEquals(List.of(), new OutgoingEvent("Asset Updated", "{}", null).resources());
    }

    /**
     * Batches keep every event once and in order, hold at most 10 entries and 256 KB, and are
     * greedy: a batch is closed only when the next event would not fit in it.
     */
    @Property(tries = 300)
    void batchesAreOrderedBoundedAndGreedy(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 120) Integer> kilobytes) {
        List<OutgoingEvent> events = new ArrayList<>();
        for (int i = 0; i < kilobytes.size(); i++) {
            events.add(new OutgoingEvent("Asset Updated", "{\"i\":" + i + ",\"p\":\"" + "x".repeat(kilobytes.get(i) * 1024) + "\"}"));
        }
        List<List<OutgoingEvent>> batches = EventPublisher.batches(events);

        assertEquals(events, batches.stream().flatMap(List::stream).toList());
        for (int b = 0; b < batches.size(); b++) {
            List<OutgoingEvent> batch = batches.get(b);
            long bytes = batch.stream().mapToLong(EventPublisher::entrySize).sum();
            assertEquals(true, !batch.isEmpty() && batch.size() <= EventPublisher.MAX_ENTRIES && bytes <= EventPublisher.MAX_REQUEST_BYTES,
                    "batch " + b + ": " + batch.size() + " entries, " + bytes + " bytes");
            if (b + 1 < batches.size()) {
                long next = EventPublisher.entrySize(batches.get(b + 1).get(0));
                assertEquals(true, batch.size() == EventPublisher.MAX_ENTRIES || bytes + next > EventPublisher.MAX_REQUEST_BYTES,
                        "batch " + b + " was closed although the next event fitted");
            }
        }
    }
}
