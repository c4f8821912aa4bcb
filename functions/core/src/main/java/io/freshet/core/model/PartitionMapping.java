package io.freshet.core.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.freshet.core.partition.PartitionGrain;

/**
 * How a consumer's partitions depend on an input's partitions, with everything that follows from
 * it: which consumer partitions an input event concerns (the trigger), whether a waiting input
 * counts as complete (readiness), what a partition reads when the run consumed nothing of the
 * input (the runner), and which partitions a backfill rebuilds downstream.
 * <ul>
 *   <li>{@code identity}: partition D reads the input's partition D (the {@link #DEFAULT}, for
 *       inputs with the same grain);</li>
 *   <li>{@code window}: a daily partition reads the 23, 24 or 25 UTC hourly partitions of its
 *       local day and waits for all of them;</li>
 *   <li>{@code latest}: any partition reads the input's newest event, whatever its partition (a
 *       dimension table).</li>
 * </ul>
 * The loader turns the YAML word into one of these ({@link #fromYaml}); an input that declares no
 * mapping has the default ({@link Input#mapping()}). The methods about consumer partitions are
 * asked only for partitioned consumers: an unpartitioned one has the single partition {@code ""}.
 */
public sealed interface PartitionMapping permits PartitionMapping.Identity, PartitionMapping.Window, PartitionMapping.Latest {

    PartitionMapping IDENTITY = new Identity();
    PartitionMapping WINDOW = new Window();
    PartitionMapping LATEST = new Latest();

    /** The mapping of an input that declares none: the one place it is defined. */
    PartitionMapping DEFAULT = IDENTITY;

    /** Every mapping, in the order the docs list them. */
    List<PartitionMapping> ALL = List.of(IDENTITY, WINDOW, LATEST);

    /** The word users write in YAML. */
    String yamlName();

    /** Whether this mapping joins an input of grain {@code input} to a consumer of grain {@code consumer}. */
    boolean accepts(PartitionGrain input, PartitionGrain consumer);

    /** What {@link #accepts} asks, in words, for the validator's message. */
    String requirement();

    /**
     * The partitions of a partitioned {@code consumer} that an input event for
     * {@code inputPartition} at {@code eventTime} concerns.
     */
    List<String> consumerPartitions(Partitioning consumer, String inputPartition, Instant eventTime);

    /**
     * Whether an input whose event waits for {@code partition} counts as updated:
     * {@code upstreamHasData} answers whether an input partition has any data.
     */
    boolean complete(Partitioning consumer, String partition, Predicate<String> upstreamHasData);

    /** What partition {@code partition} of {@code consumer} reads of the input when its run consumed none of the input's events. */
    Reads reads(Partitioning consumer, String partition);

    /** Whether a partition reads the input's newest event, whatever its partition (so a backfill must publish that one last). */
    boolean readsNewest();

    /**
     * The partitions of a partitioned {@code consumer} that a backfill of the (partitioned)
     * producer's partition {@code inputPartition} rebuilds.
     */
    List<String> backfilledPartitions(Partitioning producer, Partitioning consumer, String inputPartition);

    /** What a consumer partition reads of an input. */
    sealed interface Reads permits Reads.Partitions, Reads.Newest {

        /** The newest event of each of these input partitions. */
        record Partitions(List<String> keys) implements Reads {
            public Partitions {
                keys = List.copyOf(keys);
            }
        }

        /** The input's newest event, whatever its partition. */
        record Newest() implements Reads {
        }
    }

    static Optional<PartitionMapping> fromYaml(String word) {
        return ALL.stream().filter(m -> m.yamlName().equals(word)).findFirst();
    }

    /** Partition D reads the input's partition D. */
    record Identity() implements PartitionMapping {
        @Override
        public String yamlName() {
            return "identity";
        }

        @Override
        public boolean accepts(PartitionGrain input, PartitionGrain consumer) {
            return input == consumer;
        }

        @Override
        public String requirement() {
            return "needs the same partitions on both sides";
        }

        @Override
        public List<String> consumerPartitions(Partitioning consumer, String inputPartition, Instant eventTime) {
            return List.of(inputPartition);
        }

        @Override
        public boolean complete(Partitioning consumer, String partition, Predicate<String> upstreamHasData) {
            return true; // the waiting event is the partition's data
        }

        @Override
        public Reads reads(Partitioning consumer, String partition) {
            return new Reads.Partitions(List.of(partition));
        }

        @Override
        public boolean readsNewest() {
            return false;
        }

        @Override
        public List<String> backfilledPartitions(Partitioning producer, Partitioning consumer, String inputPartition) {
            return sameKeyWhenSameGrain(producer, consumer, inputPartition);
        }
    }

    /** A daily partition reads every UTC hour of its local day, and waits for all of them. */
    record Window() implements PartitionMapping {
        @Override
        public String yamlName() {
            return "window";
        }

        @Override
        public boolean accepts(PartitionGrain input, PartitionGrain consumer) {
            return input == PartitionGrain.HOURLY && consumer == PartitionGrain.DAILY;
        }

        @Override
        public String requirement() {
            return "maps hourly partitions onto daily ones";
        }

        /** The day the hour belongs to: its UTC start, seen in the consumer's zone. */
        @Override
        public List<String> consumerPartitions(Partitioning consumer, String inputPartition, Instant eventTime) {
            return List.of(PartitionGrain.DAILY.keyOf(PartitionGrain.HOURLY.startOf(inputPartition).atOffset(ZoneOffset.UTC)
                    .atZoneSameInstant(consumer.zone()).toLocalDate().atStartOfDay()));
        }

        @Override
        public boolean complete(Partitioning consumer, String partition, Predicate<String> upstreamHasData) {
            return hoursOf(consumer, partition).stream().allMatch(upstreamHasData);
        }

        @Override
        public Reads reads(Partitioning consumer, String partition) {
            return new Reads.Partitions(hoursOf(consumer, partition));
        }

        @Override
        public boolean readsNewest() {
            return false;
        }

        @Override
        public List<String> backfilledPartitions(Partitioning producer, Partitioning consumer, String inputPartition) {
            return consumerPartitions(consumer, inputPartition, Instant.EPOCH);
        }

        /** The UTC hour keys of daily partition {@code day} in {@code consumer}'s zone: 23, 24 or 25 of them. */
        public static List<String> hoursOf(Partitioning consumer, String day) {
            Instant start = PartitionGrain.DAILY.startOf(day).atZone(consumer.zone()).toInstant();
            Instant end = PartitionGrain.DAILY.startOf(day).plusDays(1).atZone(consumer.zone()).toInstant();
            List<String> hours = new ArrayList<>();
            for (Instant h = start; h.isBefore(end); h = h.plusSeconds(3600)) {
                hours.add(PartitionGrain.HOURLY.keyOf(LocalDateTime.ofInstant(h, ZoneOffset.UTC)));
            }
            return hours;
        }
    }

    /** Any partition reads the input's newest event (a dimension table). */
    record Latest() implements PartitionMapping {
        @Override
        public String yamlName() {
            return "latest";
        }

        @Override
        public boolean accepts(PartitionGrain input, PartitionGrain consumer) {
            return true;
        }

        @Override
        public String requirement() {
            return "joins any partitions";
        }

        /** A dimension: its update concerns the consumer's partition current at the event's time. */
        @Override
        public List<String> consumerPartitions(Partitioning consumer, String inputPartition, Instant eventTime) {
            PartitionGrain grain = consumer.grain();
            LocalDateTime at = LocalDateTime.ofInstant(eventTime, grain == PartitionGrain.HOURLY ? ZoneOffset.UTC : consumer.zone());
            return List.of(grain.keyOf(grain == PartitionGrain.DAILY ? at.toLocalDate().atStartOfDay() : at.withMinute(0).withSecond(0).withNano(0)));
        }

        @Override
        public boolean complete(Partitioning consumer, String partition, Predicate<String> upstreamHasData) {
            return true; // the waiting event is the newest data
        }

        @Override
        public Reads reads(Partitioning consumer, String partition) {
            return new Reads.Newest();
        }

        @Override
        public boolean readsNewest() {
            return true;
        }

        /** The backfilled range, rebuilt downstream, when the grains match; each reads the newest (see {@link #readsNewest}). */
        @Override
        public List<String> backfilledPartitions(Partitioning producer, Partitioning consumer, String inputPartition) {
            return sameKeyWhenSameGrain(producer, consumer, inputPartition);
        }
    }

    private static List<String> sameKeyWhenSameGrain(Partitioning producer, Partitioning consumer, String inputPartition) {
        return producer.grain() == consumer.grain() ? List.of(inputPartition) : List.of();
    }
}
