package io.freshet.runner;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.load.RunVariables;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.PostgresRead;
import io.freshet.core.model.Source;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.partition.Partitions;
import io.freshet.engine.snapshot.PostgresInputs;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.InputFormat;

/**
 * The run's PostgreSQL inputs (sources naming a table or a query) before the steps: each
 * connection's inputs read to Parquet in one transaction ({@link Snapshotter#readInputs}), within
 * the attempt's deadline, and exposed to DuckDB as views named after their assets, as S3 inputs
 * are ({@link InputViews}). A query's placeholders take the run's context ({@link RunVariables}):
 * {@code {partition}}, {@code {run_id}} and {@code {pipeline}} as text, {@code {partition_start}}
 * and {@code {partition_end}} as {@code timestamp} wall times in the pipeline's partition zone,
 * which is also the read's session time zone.
 */
final class DatabaseInputs {

    private static final DateTimeFormatter WALL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private final Snapshotter snapshotter;

    DatabaseInputs(Snapshotter snapshotter) {
        this.snapshotter = snapshotter;
    }

    void create(DuckSession duck, Attempt a, List<Source.Postgres> databases, Path work, AttemptDeadline deadline) {
        if (databases.isEmpty()) {
            return;
        }
        Map<String, List<PostgresInputs.Request>> byConnection = new LinkedHashMap<>();
        Map<String, PostgresInputs.Parameter> context = parameters(a);
        for (Source.Postgres db : databases) {
            byConnection.computeIfAbsent(db.connection(), c -> new ArrayList<>()).add(request(db, context));
        }
        String zone = zone(a.pipeline().partitioning());
        for (Map.Entry<String, List<PostgresInputs.Request>> c : byConnection.entrySet()) {
            deadline.check();
            List<Snapshotter.Table> tables = snapshotter.readInputs(c.getKey(), c.getValue(), zone, work.resolve("postgres").resolve(c.getKey()),
                    deadline.timeLeft(), stop -> deadline.onExpiry(why -> stop.run()));
            for (Snapshotter.Table t : tables) {
                duck.createInputView(t.output(), t.parquetFiles(), InputFormat.PARQUET);
            }
        }
    }

    private static PostgresInputs.Request request(Source.Postgres db, Map<String, PostgresInputs.Parameter> context) {
        return switch (db.read().orElseThrow()) {
            case PostgresRead.Table t -> new PostgresInputs.Table(t.schema(), t.table(), db.name());
            case PostgresRead.Query q -> {
                Map<String, PostgresInputs.Parameter> used = new LinkedHashMap<>();
                q.placeholders().forEach(name -> used.put(name, context.get(name)));
                yield new PostgresInputs.Query(q.sql(), used, db.name());
            }
        };
    }

    /** The run's context as placeholder values, typed as the DuckDB variables of the same names. */
    static Map<String, PostgresInputs.Parameter> parameters(Attempt a) {
        Partitioning p = a.pipeline().partitioning();
        String key = a.run().partition();
        Optional<LocalDateTime> start = p.isPartitioned() ? Optional.of(p.grain().startOf(key)) : Optional.empty();
        Optional<LocalDateTime> end = p.isPartitioned() ? Optional.of(p.grain().startOf(Partitions.next(p, key))) : Optional.empty();
        Map<String, PostgresInputs.Parameter> m = new LinkedHashMap<>();
        m.put(RunVariables.PARTITION, new PostgresInputs.Parameter(Optional.of(key), "text"));
        m.put(RunVariables.PARTITION_START, new PostgresInputs.Parameter(start.map(WALL_TIME::format), "timestamp"));
        m.put(RunVariables.PARTITION_END, new PostgresInputs.Parameter(end.map(WALL_TIME::format), "timestamp"));
        m.put(RunVariables.RUN_ID, new PostgresInputs.Parameter(Optional.of(a.runId()), "text"));
        m.put(RunVariables.PIPELINE, new PostgresInputs.Parameter(Optional.of(a.pipeline().name()), "text"));
        return m;
    }

    /** PostgreSQL's name of the pipeline's partition zone (UTC for hourly and unpartitioned pipelines). */
    static String zone(Partitioning p) {
        return p.grain() != PartitionGrain.DAILY || p.zone().equals(ZoneOffset.UTC) ? "UTC" : p.zone().getId();
    }
}
