package io.freshet.runner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.freshet.state.StateStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.PartitionContent;
import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.runs.Run;
import io.freshet.lineage.LineageDatasets;
import io.freshet.lineage.RunLineage;

/**
 * The inputs phase: the exact events each input of a run is read from. Those the run consumed,
 * else the newest for the partitions the input's {@link PartitionMapping} names; for an S3 source,
 * every live object of those partitions. An input with no data yet is not a failure: there is
 * nothing to compute yet ({@link Resolved.Missing}).
 */
final class RunInputs {

    /** What the inputs of a run resolved to. */
    sealed interface Resolved {

        /**
         * Per input asset (PostgreSQL sources left out: the snapshot step reads them), the events read;
         * and the PostgreSQL sources naming a table or a query, read when the steps start ({@link DatabaseInputs}).
         */
        record Ready(Map<String, List<AssetEvent>> events, List<Source.Postgres> databases) implements Resolved {

            Ready(Map<String, List<AssetEvent>> events) {
                this(events, List.of());
            }

            /** Per input, the data versions read: what the skip decision compares and the outputs record. */
            Map<String, String> versions() {
                Map<String, String> out = new TreeMap<>();
                events.forEach((asset, es) -> out.put(asset, es.stream().map(AssetEvent::dataVersion).sorted().collect(Collectors.joining(","))));
                return out;
            }

            /**
             * As {@link #versions()}, with each database input's version: the run that read it. A database
             * has no version to compare, so no two runs read the same one and a run reading a database is
             * never skipped as "inputs unchanged".
             */
            Map<String, String> versions(String runId) {
                Map<String, String> out = versions();
                databases.forEach(db -> out.put(db.name(), DATABASE_VERSION_PREFIX + runId));
                return out;
            }
        }

        /** An input has no data for the run's partition yet. */
        record Missing(String reason) implements Resolved {
        }
    }

    /** How a database input's version reads in a run's recorded input versions. */
    static final String DATABASE_VERSION_PREFIX = "postgres: read by run ";

    private final Project project;
    private final StateStore store;

    RunInputs(RunnerParts parts) {
        this.project = parts.project();
        this.store = parts.store();
    }

    Resolved resolve(Pipeline pipeline, Run run) {
        Map<String, List<AssetEvent>> consumed = new LinkedHashMap<>();
        for (String id : run.consumed()) {
            store.events().event(id)
                    .ifPresent(e -> consumed.computeIfAbsent(e.asset(), a -> new ArrayList<>()).add(e));
        }
        Map<String, List<AssetEvent>> out = new TreeMap<>();
        List<Source.Postgres> databases = new ArrayList<>();
        for (Input in : pipeline.inputs()) {
            Optional<Source> source = project.source(in.asset());
            if (source.orElse(null) instanceof Source.Postgres pg) {
                if (pg.read().isPresent()) {
                    databases.add(pg); // read when the steps start, never waited for: it has no events
                }
                continue; // a connection: read by the snapshot step itself
            }
            List<AssetEvent> events = consumed.getOrDefault(in.asset(), List.of());
            Optional<Source.S3> s3Source = source.filter(s -> s instanceof Source.S3).map(s -> (Source.S3) s);
            if (s3Source.isPresent()) {
                // An S3 source partition is every live object in it (a tap export every 15 minutes),
                // not just the ones this run consumed: read all of them, as of the newest consumed.
                events = s3Content(pipeline, in, run, s3Source.get(), events);
            } else if (events.isEmpty()) {
                events = newest(pipeline, in, run);
            }
            if (project.output(in.asset()).flatMap(o -> o.dynamicKey()).isPresent()) {
                events = KeyedInputs.select(store.events(), in, events); // the newest run's keys, the input's key only
            }
            if (events.isEmpty()) {
                return new Resolved.Missing("input '" + in.asset() + "' has no data for partition '" + run.partition() + "' yet"
                        + s3Source.map(RunInputs::noLiveObject).orElse(""));
            }
            out.put(in.asset(), events);
        }
        return new Resolved.Ready(out, List.copyOf(databases));
    }

    private static String noLiveObject(Source.S3 source) {
        return source.files().completeWhen().map(m -> " (no '" + m + "' marker has completed it)").orElse("")
                + ": no live object (each deleted, emptied or not data)";
    }

    /** An input the run consumed nothing of: the newest events of the partitions its mapping names. */
    private List<AssetEvent> newest(Pipeline pipeline, Input in, Run run) {
        return switch (in.mapping().reads(pipeline.partitioning(), run.partition())) {
            case PartitionMapping.Reads.Newest newest -> store.events().newest(in.asset()).stream().toList();
            case PartitionMapping.Reads.Partitions p -> p.keys().stream().flatMap(k -> store.events().latest(in.asset(), k).stream()).toList();
        };
    }

    /**
     * The upload events whose objects an S3 source input reads: the live objects of each partition
     * the mapping names (identity: the run's; latest: the newest event's; window: each hour).
     */
    private List<AssetEvent> s3Content(Pipeline pipeline, Input in, Run run, Source.S3 source, List<AssetEvent> consumed) {
        List<String> partitions = switch (in.mapping().reads(pipeline.partitioning(), run.partition())) {
            case PartitionMapping.Reads.Partitions p -> p.keys();
            case PartitionMapping.Reads.Newest newest -> consumed.stream().max(Comparator.comparing(AssetEvent::time)).map(AssetEvent::partition)
                    .or(() -> store.events().newest(in.asset()).map(AssetEvent::partition)).stream().toList();
        };
        List<AssetEvent> out = new ArrayList<>();
        for (String partition : partitions) {
            out.addAll(partitionFiles(source, partition, consumed.stream().filter(e -> e.partition().equals(partition)).toList()));
        }
        return out;
    }

    /**
     * The upload events of an S3 source partition whose objects make up its content: the live
     * objects at their recorded versions (see {@link PartitionContent}), as of the newest event
     * consumed (everything recorded when none was). With {@code complete_when}, as of the newest
     * completion marker consumed (else recorded): the data written before it.
     */
    private List<AssetEvent> partitionFiles(Source.S3 source, String partition, List<AssetEvent> consumed) {
        List<AssetEvent> history = new ArrayList<>(store.events().history(source.name(), partition));
        consumed.stream().filter(c -> history.stream().noneMatch(h -> h.eventId().equals(c.eventId()))).forEach(history::add);
        Instant upTo;
        if (source.files().completeWhen().isPresent()) {
            Optional<AssetEvent> marker = PartitionContent.newestCompletion(consumed).or(() -> PartitionContent.newestCompletion(history));
            if (marker.isEmpty()) {
                return List.of();
            }
            upTo = marker.get().time();
        } else {
            upTo = consumed.stream().map(AssetEvent::time).max(Instant::compareTo).orElse(Instant.MAX);
        }
        return PartitionContent.live(history, upTo);
    }

    /** The datasets a run read, as OpenLineage names them: its input events' datasets, the PostgreSQL tables it snapshotted. */
    static List<RunLineage.Dataset> lineage(Pipeline pipeline, Resolved.Ready inputs) {
        List<RunLineage.Dataset> out = new ArrayList<>();
        for (List<AssetEvent> events : inputs.events().values()) {
            events.stream().map(LineageDatasets::of).distinct().forEach(out::add);
        }
        out.addAll(LineageDatasets.snapshotTables(pipeline));
        return out;
    }
}
