package io.freshet.aws.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import io.freshet.aws.json.EventJson;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes Freshet's events (source {@value #SOURCE}) on one bus, within PutEvents' limits and
 * through its partial failures.
 *
 * <ul>
 *   <li>Every event's size is computed as AWS documents it (UTF-8 bytes of Source, DetailType,
 *       Detail and each Resource, plus 14 when Time is set; Freshet leaves Time to EventBridge)
 *       before anything is sent: one over {@value #MAX_REQUEST_BYTES} bytes raises
 *       {@link EventTooLargeException} and nothing is published.</li>
 *   <li>Events go in order, in batches of at most {@value #MAX_ENTRIES} entries and
 *       {@value #MAX_REQUEST_BYTES} bytes.</li>
 *   <li>When PutEvents fails some entries, only those are sent again, in their order, after an
 *       exponential backoff ({@link Backoff#DEFAULT}: 50 ms doubling, 5 attempts). Codes AWS calls
 *       non-retryable (MalformedDetail, InvalidArgument, AccessDeniedException, ...) are not
 *       retried. When entries are still failing, {@link EventPublishException} lists each with its
 *       ErrorCode and ErrorMessage, and later batches are not sent.</li>
 *   <li>An exception of the whole call (the SDK has already retried throttling and 5xx) is
 *       passed on as it is.</li>
 * </ul>
 * Consumers must be idempotent anyway: a caller that retries after an exception publishes again
 * what had gone through.
 */
public final class EventPublisher {

    /**
     * One Freshet event to publish: its EventBridge detail-type ({@code Asset Updated}), its detail
     * (a JSON object, as text) and the resources it concerns (ARNs, may be empty).
     */
    public record OutgoingEvent(String detailType, String detailJson, List<String> resources) {

        public OutgoingEvent {
            Objects.requireNonNull(detailType, "detailType");
            Objects.requireNonNull(detailJson, "detailJson");
            resources = resources == null ? List.of() : List.copyOf(resources);
        }

        public OutgoingEvent(String detailType, String detailJson) {
            this(detailType, detailJson, List.of());
        }
    }

    public static final String SOURCE = EventJson.SOURCE;
    public static final int MAX_ENTRIES = 10;
    public static final int MAX_REQUEST_BYTES = 256 * 1024;

    /** AWS's list of PutEvents entry errors that will fail again however often they are sent. */
    static final Set<String> NON_RETRYABLE = Set.of("AccessDeniedException", "InvalidAccountIdException", "InvalidArgument",
            "MalformedDetail", "RedactionFailure", "NotAuthorizedForSourceException", "NotAuthorizedForDetailTypeException");

    private static final int TIME_FIELD_BYTES = 14;

    private final EventBridgeClient client;
    private final String busName;
    private final Backoff backoff;
    private final Sleeper sleeper;

    public EventPublisher(EventBridgeClient client, String busName) {
        this(client, busName, Backoff.DEFAULT, Sleeper.THREAD_SLEEP);
    }

    public EventPublisher(EventBridgeClient client, String busName, Backoff backoff, Sleeper sleeper) {
        this.client = Objects.requireNonNull(client, "client");
        this.busName = Objects.requireNonNull(busName, "busName");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Publishes {@code events}; returns when every one was accepted.
     *
     * @throws EventTooLargeException when an event exceeds the size limit (nothing was sent)
     * @throws EventPublishException when entries were still refused after the retries
     */
    public void publish(List<OutgoingEvent> events) {
        for (OutgoingEvent event : events) {
            long size = entrySize(event);
            if (size > MAX_REQUEST_BYTES) {
                throw new EventTooLargeException(event.detailType(), size, MAX_REQUEST_BYTES);
            }
        }
        List<List<OutgoingEvent>> batches = batches(events);
        int sent = 0;
        for (List<OutgoingEvent> batch : batches) {
            sent += batch.size();
            send(batch, events.size() - sent);
        }
    }

    /** An event's size as AWS counts it towards the 256 KB limit (Time unset). */
    public static long entrySize(OutgoingEvent event) {
        return entrySize(SOURCE, event.detailType(), event.detailJson(), event.resources(), false);
    }

    /**
     * AWS's documented computation: UTF-8 bytes of Source, DetailType, Detail and each Resource,
     * plus 14 bytes when Time is set.
     */
    static long entrySize(String source, String detailType, String detail, List<String> resources, boolean timeSet) {
        long size = timeSet ? TIME_FIELD_BYTES : 0;
        size += utf8(source) + utf8(detailType) + utf8(detail);
        for (String resource : resources) {
            size += utf8(resource);
        }
        return size;
    }

    /**
     * Splits {@code events}, in order, into batches of at most {@value #MAX_ENTRIES} entries whose
     * sizes add up to at most {@value #MAX_REQUEST_BYTES}. Every event must fit on its own.
     */
    static List<List<OutgoingEvent>> batches(List<OutgoingEvent> events) {
        List<List<OutgoingEvent>> batches = new ArrayList<>();
        List<OutgoingEvent> current = new ArrayList<>();
        long currentBytes = 0;
        for (OutgoingEvent event : events) {
            long size = entrySize(event);
            if (!current.isEmpty() && (current.size() == MAX_ENTRIES || currentBytes + size > MAX_REQUEST_BYTES)) {
                batches.add(List.copyOf(current));
                current.clear();
                currentBytes = 0;
            }
            current.add(event);
            currentBytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(List.copyOf(current));
        }
        return batches;
    }

    /**
     * One batch, resending only the entries refused with a retryable code, until all are in or the
     * attempts run out. Failures are reported in the batch's order, each with its last answer.
     */
    private void send(List<OutgoingEvent> batch, int notAttemptedAfter) {
        Map<Integer, EventPublishException.FailedEntry> failures = new TreeMap<>();
        List<Integer> pending = IntStream.range(0, batch.size()).boxed().toList();
        int attempt = 0;
        while (!pending.isEmpty() && attempt < backoff.maxAttempts()) {
            attempt++;
            pause(backoff.delayBefore(attempt));
            List<PutEventsRequestEntry> entries = pending.stream().map(i -> entry(batch.get(i))).toList();
            List<PutEventsResultEntry> results = client.putEvents(r -> r.entries(entries)).entries();
            if (results.size() != entries.size()) {
                throw new IllegalStateException("PutEvents answered " + results.size() + " entries for " + entries.size() + " sent");
            }
            List<Integer> retry = new ArrayList<>();
            for (int k = 0; k < results.size(); k++) {
                int index = pending.get(k);
                PutEventsResultEntry result = results.get(k);
                if (result.errorCode() == null) {
                    failures.remove(index);
                    continue;
                }
                failures.put(index, new EventPublishException.FailedEntry(batch.get(index).detailType(), result.errorCode(), result.errorMessage()));
                if (!NON_RETRYABLE.contains(result.errorCode())) {
                    retry.add(index);
                }
            }
            pending = retry;
        }
        if (!failures.isEmpty()) {
            throw new EventPublishException(busName, List.copyOf(failures.values()), attempt, notAttemptedAfter);
        }
    }

    private PutEventsRequestEntry entry(OutgoingEvent event) {
        return PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(SOURCE)
                .detailType(event.detailType())
                .detail(event.detailJson())
                .resources(event.resources())
                .build();
    }

    private void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off before resending events", e);
        }
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
