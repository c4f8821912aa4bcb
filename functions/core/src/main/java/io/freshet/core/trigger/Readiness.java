package io.freshet.core.trigger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import io.freshet.core.condition.Condition;
import io.freshet.core.model.Input;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Pipeline;

/**
 * Decides, for one consumer pipeline and one of its partitions, whether the events waiting since
 * its last run make it ready, as pure functions the trigger function and the reference model of
 * the tests share.
 *
 * <ul>
 *   <li>{@code &} holds when every named input has a waiting event, {@code |} when any has;</li>
 *   <li>an input mapped with {@code window} counts as updated only when a waiting event exists
 *       for the day and every hour of the day has data;</li>
 *   <li>a pending {@link Request} (a tick, a backfill, a code change, freshness, a manual run) makes
 *       the partition ready whatever the condition, except a tick of a cron + condition trigger,
 *       which needs the condition too;</li>
 *   <li>a ready run consumes every waiting event and request of the partition (at most
 *       {@link #MAX_EVENTS_PER_RUN}, requests first, then events oldest first; the rest wait for the
 *       next run).</li>
 * </ul>
 */
public final class Readiness {

    /** Bounded by what one run item may record (DynamoDB's 400 KB item limit, with room to spare). */
    public static final int MAX_EVENTS_PER_RUN = 1000;

    private Readiness() {
    }

    /** Whether events make this pipeline run on their own: it has a condition and no schedule. */
    public static boolean isEventDriven(Pipeline p) {
        return p.trigger().map(t -> t.condition().isPresent() && t.schedule().isEmpty()).orElse(false);
    }

    /**
     * The partitions of {@code consumer} that an event of {@code input} for {@code eventPartition}
     * at {@code eventTime} concerns. Usually one; none when the input is not read by partition.
     * An unpartitioned event reaching a partitioned consumer without a mapping can only be an
     * observed PostgreSQL source's ({@code observe:}; the validator asks every other input for a
     * mapping): like {@code mapping: latest}, it concerns the consumer's partition current at the
     * observation, which the snapshot then reads as the database is.
     */
    public static List<String> consumerPartitions(Pipeline consumer, Input input, String eventPartition, Instant eventTime) {
        if (!consumer.partitioning().isPartitioned()) {
            return List.of("");
        }
        if (eventPartition.isEmpty() && input.declaredMapping().isEmpty()) {
            return PartitionMapping.LATEST.consumerPartitions(consumer.partitioning(), eventPartition, eventTime);
        }
        return input.mapping().consumerPartitions(consumer.partitioning(), eventPartition, eventTime);
    }

    /** The UTC hour keys of daily partition {@code day} of {@code consumer}: 23, 24 or 25 of them. */
    public static List<String> hoursOf(Pipeline consumer, String day) {
        return PartitionMapping.Window.hoursOf(consumer.partitioning(), day);
    }

    /** What the trigger should do for one consumer partition. */
    public sealed interface Decision permits Decision.Wait, Decision.Run {
        /** Not ready: {@code why} says what is missing. */
        record Wait(String why) implements Decision {
        }

        /** Ready: a run consumes exactly {@code consumed}, oldest first. */
        record Run(List<PendingEvent> consumed) implements Decision {
        }
    }

    /**
     * @param pending       the events and requests waiting for this consumer partition (any order, no duplicates)
     * @param hourHasData   for window inputs: whether an hourly partition of an input has any data
     */
    public static Decision decide(Pipeline consumer, String partition, List<PendingEvent> pending,
                                  HourlyData hourHasData) {
        if (pending.isEmpty()) {
            return new Decision.Wait("no new events");
        }
        List<PendingEvent> requests = pending.stream().filter(Request::isRequest).toList();
        Optional<Condition> condition = consumer.trigger().flatMap(t -> t.condition());
        if (!requests.isEmpty()) {
            // A tick of a cron + condition trigger is only added when the condition held at the tick;
            // every other request (a backfill, a code change, freshness, a manual run) runs as asked.
            boolean onlyTicks = requests.stream().allMatch(r -> r.asset().equals(Request.Kind.TICK.marker()));
            if (onlyTicks && condition.isPresent() && !conditionHolds(consumer, partition, pending, hourHasData)) {
                return new Decision.Wait("the schedule fired; waiting for " + condition.get().text());
            }
            return new Decision.Run(oldestFirst(pending, requests));
        }
        if (!isEventDriven(consumer)) {
            return new Decision.Wait("pipeline '" + consumer.name() + "' runs " + consumer.describeTrigger() + ", not on events alone");
        }
        if (!conditionHolds(consumer, partition, pending, hourHasData)) {
            Set<String> updated = new TreeSet<>();
            pending.forEach(e -> updated.add(e.asset()));
            return new Decision.Wait("waiting for " + condition.get().text() + "; updated: " + String.join(", ", updated));
        }
        return new Decision.Run(oldestFirst(pending, List.of()));
    }

    /** Whether the pipeline's condition holds over the asset events (not requests) waiting for the partition. */
    public static boolean conditionHolds(Pipeline consumer, String partition, List<PendingEvent> pending, HourlyData hourHasData) {
        Optional<Condition> condition = consumer.trigger().flatMap(t -> t.condition());
        if (condition.isEmpty()) {
            return false;
        }
        Set<String> updated = new HashSet<>();
        for (PendingEvent e : pending) {
            if (!Request.isRequest(e)) {
                updated.add(e.asset());
            }
        }
        Predicate<String> counts = asset -> updated.contains(asset) && inputComplete(consumer, asset, partition, hourHasData);
        return condition.get().holds(counts);
    }

    /** Everything pending, oldest first, capped; requests always fit, so a capped run still answers them. */
    private static List<PendingEvent> oldestFirst(List<PendingEvent> pending, List<PendingEvent> requests) {
        List<PendingEvent> events = new ArrayList<>(pending.stream().filter(p -> !Request.isRequest(p)).toList());
        events.sort(Comparator.comparing(PendingEvent::time).thenComparing(PendingEvent::eventId));
        List<PendingEvent> sortedRequests = new ArrayList<>(requests);
        sortedRequests.sort(Comparator.comparing(PendingEvent::time).thenComparing(PendingEvent::eventId));
        List<PendingEvent> out = new ArrayList<>(sortedRequests.subList(0, Math.min(sortedRequests.size(), MAX_EVENTS_PER_RUN)));
        out.addAll(events.subList(0, Math.min(events.size(), MAX_EVENTS_PER_RUN - out.size())));
        return List.copyOf(out);
    }

    /** Whether the input counts for the partition by its mapping (a window: every hour of the day has data). */
    private static boolean inputComplete(Pipeline consumer, String asset, String partition, HourlyData data) {
        return consumer.input(asset).map(in -> in.mapping().complete(consumer.partitioning(), partition, hour -> data.hasData(asset, hour)))
                .orElse(true);
    }

    /** Whether an asset's hourly partition has data; the store answers it from asset state. */
    @FunctionalInterface
    public interface HourlyData {
        boolean hasData(String asset, String hourPartition);

        HourlyData NONE = (a, h) -> false;
    }
}
