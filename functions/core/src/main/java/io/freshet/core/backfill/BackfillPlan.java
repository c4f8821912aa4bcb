package io.freshet.core.backfill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.Pipeline;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.partition.Partitions;

/**
 * Which runs a backfill needs, in which order: one item per (pipeline, partition), each naming
 * the items that produce its inputs, which must finish first.
 *
 * <p>The asset's own pipeline gets every partition of the range. With {@code downstream}, each
 * pipeline downstream of it (in dependency order) gets the partitions its backfilled inputs map
 * to: the same key through {@code identity} and {@code latest} (when the grains match), the day
 * of each hour through {@code window}, and the one partition {@code ""} when it is unpartitioned.
 *
 * <p>An item depends on the upstream items whose data it reads. Through {@code identity} and
 * {@code window} that is the partition(s) it maps from; an unpartitioned consumer depends on every
 * backfilled partition of its input. A {@code latest} input is read as the asset's newest event,
 * whatever its partition, so a partitioned consumer's item depends on the newest partition of the
 * backfill only, and that partition's item is made to come after every other item of its pipeline,
 * so that it is the newest event when the readers run. (Its event is not delivered to the
 * reader's partition: the trigger routes a {@code latest} update to the partition current when it
 * happens; the driver knows not to wait for it.)
 */
public record BackfillPlan(String asset, List<Item> items, List<String> notes) {

    /** Backfills larger than this are refused: split them. */
    public static final int MAX_PARTITIONS = 10_000;

    public record Key(String pipeline, String partition) {
        @Override
        public String toString() {
            return partition.isEmpty() ? pipeline : pipeline + "/" + partition;
        }
    }

    public record Item(Key key, List<Key> dependsOn) {
        public Item {
            dependsOn = List.copyOf(dependsOn);
        }
    }

    public BackfillPlan {
        items = List.copyOf(items);
        notes = List.copyOf(notes);
    }

    /**
     * @throws BackfillException when the asset is unknown or a source, or the range does not fit
     *                           the asset's partitions
     */
    public static BackfillPlan of(Project project, String asset, Optional<String> from, Optional<String> to, boolean downstream) {
        Pipeline root = project.producerOf(asset).orElseThrow(() -> new BackfillException(
                project.source(asset).isPresent()
                        ? "'" + asset + "' is a source, written by someone else; backfill the pipelines that read it"
                        : project.noSuchAsset(asset)));
        List<String> rootPartitions = rootPartitions(root, from, to);
        List<String> notes = new ArrayList<>();
        Map<String, Set<String>> partitionsOf = new LinkedHashMap<>();
        partitionsOf.put(root.name(), new LinkedHashSet<>(rootPartitions));
        List<Item> items = new ArrayList<>();
        rootPartitions.forEach(p -> items.add(new Item(new Key(root.name(), p), List.of())));
        if (downstream) {
            for (String name : project.graph().downstreamPipelines(asset)) {
                if (name.equals(root.name())) {
                    continue;
                }
                Pipeline consumer = project.pipeline(name).orElseThrow();
                Map<String, List<Key>> deps = dependencies(project, consumer, partitionsOf, items);
                if (deps.isEmpty()) {
                    notes.add(name + ": none of its inputs' backfilled partitions map to a partition of it");
                    continue;
                }
                partitionsOf.put(name, new LinkedHashSet<>(deps.keySet()));
                deps.keySet().stream().sorted().forEach(p -> items.add(new Item(new Key(name, p), deps.get(p))));
                if (items.size() > MAX_PARTITIONS) {
                    throw new BackfillException("the backfill needs more than " + MAX_PARTITIONS + " runs; backfill a shorter range");
                }
            }
        }
        return new BackfillPlan(asset, items, notes);
    }

    /**
     * For each partition of {@code consumer} that a backfilled upstream partition maps to, the upstream
     * items it waits for; empty when none does.
     */
    private static Map<String, List<Key>> dependencies(Project project, Pipeline consumer, Map<String, Set<String>> partitionsOf,
                                                       List<Item> items) {
        Map<String, List<Key>> deps = new LinkedHashMap<>();
        for (Input in : consumer.inputs()) {
            Optional<Pipeline> producer = project.producerOf(in.asset());
            if (producer.isEmpty() || !partitionsOf.containsKey(producer.get().name())) {
                continue;
            }
            addDependencies(deps, producer.get(), partitionsOf.get(producer.get().name()), consumer, in, items);
        }
        return deps;
    }

    /**
     * Adds to {@code deps} what {@code consumer}'s partitions wait for through one input: the upstream
     * partitions mapped to them or, when the input reads the newest partition, that newest one, which
     * then has to come last among the upstream's items.
     */
    private static void addDependencies(Map<String, List<Key>> deps, Pipeline producer, Set<String> upstreamPartitions,
                                        Pipeline consumer, Input in, List<Item> items) {
        boolean readsNewest = in.mapping().readsNewest() && consumer.partitioning().isPartitioned();
        Key newest = new Key(producer.name(), upstreamPartitions.stream().max(String::compareTo).orElseThrow());
        for (String up : upstreamPartitions) {
            for (String mine : map(producer, up, consumer, in)) {
                if (Partitions.beforeStart(consumer.partitioning(), mine)) {
                    continue;
                }
                List<Key> d = deps.computeIfAbsent(mine, k -> new ArrayList<>());
                Key dep = readsNewest ? newest : new Key(producer.name(), up);
                if (!d.contains(dep)) {
                    d.add(dep);
                }
            }
        }
        if (readsNewest && deps.values().stream().anyMatch(d -> d.contains(newest))) {
            comesLast(items, newest);
        }
    }

    private static List<String> rootPartitions(Pipeline root, Optional<String> from, Optional<String> to) {
        PartitionGrain grain = root.partitioning().grain();
        if (grain == PartitionGrain.NONE) {
            if (from.isPresent() || to.isPresent()) {
                throw new BackfillException("'" + root.name() + "' is not partitioned: backfill it without --from and --to");
            }
            return List.of("");
        }
        if (from.isEmpty() || to.isEmpty()) {
            throw new BackfillException("'" + root.name() + "' has " + grain.yamlName() + " partitions: give --from and --to (such as "
                    + (grain == PartitionGrain.DAILY ? "2026-05-01 and 2026-05-31" : "2026-05-01T00 and 2026-05-01T23") + ")");
        }
        try {
            List<String> keys = Partitions.range(root.partitioning(), from.get(), to.get(), MAX_PARTITIONS);
            Optional<String> early = keys.stream().filter(k -> Partitions.beforeStart(root.partitioning(), k)).findFirst();
            if (early.isPresent()) {
                throw new BackfillException("partition " + early.get() + " lies before '" + root.name() + "' starts ("
                        + root.partitioning().start().orElseThrow() + ")");
            }
            return keys;
        } catch (IllegalArgumentException e) {
            throw new BackfillException("bad range for '" + root.name() + "': " + e.getMessage());
        }
    }

    /**
     * Makes {@code last} depend on every other item of its pipeline: the readers of its asset's
     * newest event then read it, whatever order the others finished in.
     */
    private static void comesLast(List<Item> items, Key last) {
        List<Key> siblings = items.stream().map(Item::key)
                .filter(k -> k.pipeline().equals(last.pipeline()) && !k.equals(last)).toList();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item.key().equals(last)) {
                List<Key> deps = new ArrayList<>(item.dependsOn());
                siblings.stream().filter(k -> !deps.contains(k)).forEach(deps::add);
                items.set(i, new Item(last, deps));
                return;
            }
        }
    }

    /** The consumer partitions that a producer partition feeds through one input. */
    private static List<String> map(Pipeline producer, String up, Pipeline consumer, Input in) {
        if (!consumer.partitioning().isPartitioned()) {
            return List.of("");
        }
        if (!producer.partitioning().isPartitioned()) {
            return List.of(); // an unpartitioned input does not say which of my partitions to rebuild
        }
        return in.mapping().backfilledPartitions(producer.partitioning(), consumer.partitioning(), up);
    }

    /** A human summary: runs per pipeline. */
    public String summary() {
        Map<String, Integer> per = new LinkedHashMap<>();
        items.forEach(i -> per.merge(i.key().pipeline(), 1, Integer::sum));
        StringBuilder b = new StringBuilder();
        per.forEach((p, n) -> b.append(b.isEmpty() ? "" : ", ").append(p).append(" x").append(n));
        return items.size() + (items.size() == 1 ? " run: " : " runs: ") + b;
    }
}
