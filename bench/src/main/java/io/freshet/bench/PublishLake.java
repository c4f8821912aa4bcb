package io.freshet.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.StreamSupport;

import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.duckdb.DuckDBDriver;

import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Output;
import io.freshet.core.model.TableLayout;
import io.freshet.core.runs.Run;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.publisher.PublisherService;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.tables.CatalogConfig;
import io.freshet.tables.LakeHousekeeping;
import io.freshet.tables.LakeTables;
import io.freshet.tables.PartitionOutput;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;

/**
 * The publisher's world for {@link BenchPublish}: DynamoDB Local, S3Proxy, the in-process
 * EventBridge and an embedded PostgreSQL holding Iceberg's JDBC catalog, all in this JVM, and a
 * generated project of pipelines with n daily outputs each. Runs are brought to
 * PUBLISHING as the runner brings them: a source event recorded, a run created and its attempt
 * started, each output written to Parquet by DuckDB with the partition column added, uploaded
 * under the attempt's key, then all staged at once ({@code Runs.stageOutputs}).
 */
final class PublishLake implements AutoCloseable {

    static final String BUCKET = "bench-lake";
    static final String STATE = "bench-state";
    static final String BUS = "bench";

    final LocalDynamo dynamo;
    final LocalS3 s3;
    final LocalPostgres postgres;
    final LocalEventBridge bus;
    final Project project;
    final StateStore store;
    final LakeTables tables;
    private final Path scratch;
    private final Connection duckdb;
    private int files;

    private PublishLake(LocalDynamo dynamo, LocalS3 s3, LocalPostgres postgres, LocalEventBridge bus, Project project, Path scratch)
            throws SQLException {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.postgres = postgres;
        this.bus = bus;
        this.project = project;
        this.scratch = scratch;
        this.duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        s3.createBucket(BUCKET);
        DynamoStateStore.createTable(dynamo.client(), STATE);
        this.store = new DynamoStateStore(dynamo.client(), STATE, Clock.systemUTC());
        CatalogConfig.Local config = new CatalogConfig.Local(postgres.jdbcUrl(), postgres.user(), postgres.password(),
                "s3://" + BUCKET + "/", s3.endpoint(), LocalS3.REGION.id(), "local", "local");
        this.tables = new LakeTables(config, Namespace.of("freshet_bench"));
    }

    /** The servers started, and a project of the pipelines {@code name -> number of outputs}. */
    static PublishLake start(Map<String, Integer> pipelineOutputs) throws IOException, SQLException {
        Path scratch = Files.createTempDirectory("freshet-bench-publish");
        Path pipelines = Files.createDirectories(scratch.resolve("pipelines"));
        Files.writeString(pipelines.resolve("sources.yaml"), """
                sources:
                  landing.src:
                    s3: s3://${LakeBucket}/landing/src/date={date}/*.csv
                """);
        for (Map.Entry<String, Integer> p : pipelineOutputs.entrySet()) {
            StringBuilder outputs = new StringBuilder();
            StringBuilder steps = new StringBuilder();
            for (int o = 1; o <= p.getValue(); o++) {
                String asset = "core." + p.getKey() + "_o" + o;
                outputs.append("  ").append(asset).append(": s3://${LakeBucket}/core/").append(p.getKey()).append("_o").append(o)
                        .append("/date={date}/\n");
                steps.append("  - sql: { output: ").append(asset).append(", query: SELECT * FROM landing.src }\n");
            }
            Files.writeString(pipelines.resolve(p.getKey() + ".yaml"), "pipeline: " + p.getKey() + "\ninputs: [landing.src]\n"
                    + "partitions: daily\noutputs:\n" + outputs + "trigger:\n  condition: landing.src\nsteps:\n" + steps);
        }
        Project project = ProjectLoader.load(pipelines).orThrow();
        return new PublishLake(LocalDynamo.start(), LocalS3.start(Clock.systemUTC()), LocalPostgres.start(),
                LocalEventBridge.start(LocalEventBridge.Delivery.ASYNCHRONOUS, Clock.systemUTC()), project, scratch);
    }

    /** The publisher as the function builds it, announcing on the in-process EventBridge, its log discarded. */
    PublisherService publisher(FaultPoints faults) {
        return new PublisherService(project, store, tables, BUCKET, new PublishingAnnouncer(new EventPublisher(bus.client(), BUS)),
                new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Map.of()), Clock.systemUTC(), faults, LakeHousekeeping.DEFAULT_RETENTION);
    }

    static String day(int i) {
        return LocalDate.of(2020, 1, 1).plusDays(i).toString();
    }

    /** A run of {@code pipeline} for {@code partition}, PUBLISHING: attempt 1 wrote, uploaded and staged {@code rows} rows per output. */
    String staged(String pipeline, String partition, int rows) {
        String file = "s3://" + BUCKET + "/landing/src/date=" + partition + "/" + pipeline + ".csv";
        AssetEvent source = new AssetEvent(Ids.hash(24, List.of(pipeline, partition)), "landing.src", partition, Clock.systemUTC().instant(),
                new Producer(Producer.Kind.S3_UPLOAD, file), Ids.hash(16, List.of(file)), Optional.empty(), List.of(file), Map.of());
        store.events().record(source);
        var view = store.consumers().view(pipeline, partition);
        List<PendingEvent> pending = List.of(new PendingEvent(source.eventId(), source.asset(), partition, source.time()));
        Run run = store.runs().tryCreate(view, Ids.run(pipeline, partition, List.of(source.eventId())), pending, "bench").orElseThrow(
                () -> new IllegalStateException("no run of " + pipeline + " for " + partition));
        int attempt = store.runs().startAttempt(run.runId(), Clock.systemUTC().instant().plus(Duration.ofMinutes(5))).orElseThrow();
        String code = project.codeVersion(pipeline);
        List<AssetEvent> events = new ArrayList<>();
        for (Output out : project.pipeline(pipeline).orElseThrow().outputs()) {
            TableLayout layout = TableLayout.of(out, StackParameters.lakeBucket(BUCKET));
            String key = layout.dataKey(partition, run.runId(), attempt);
            long bytes = upload(key, layout, partition, rows);
            events.add(new AssetEvent(Ids.runOutput(run.runId(), out.asset()), out.asset(), partition, Clock.systemUTC().instant(),
                    new Producer(Producer.Kind.RUN, run.runId()), Ids.hash(16, List.of(key)), Optional.of(code),
                    List.of("s3://" + BUCKET + "/" + key), Map.of("bytes", Long.toString(bytes), "rows", Integer.toString(rows))));
        }
        if (!store.runs().stageOutputs(run.runId(), attempt, events, Map.of("landing.src", source.dataVersion()), code)) {
            throw new IllegalStateException("attempt " + attempt + " of " + run.runId() + " could not stage");
        }
        return run.runId();
    }

    /** A commit straight to the table of {@code pipeline}'s only output, as the publisher makes it, without a run in the state. */
    void commitDirectly(String pipeline, String partition, int rows) {
        Output out = project.pipeline(pipeline).orElseThrow().outputs().get(0);
        TableLayout layout = TableLayout.of(out, StackParameters.lakeBucket(BUCKET));
        String runId = "history-" + partition;
        String key = layout.dataKey(partition, runId, 1);
        upload(key, layout, partition, rows);
        TableLayout.PartitionColumn column = layout.partitionColumn().orElseThrow();
        tables.publish(new PartitionOutput(out.asset(), column.name(), column.value(partition), List.of("s3://" + BUCKET + "/" + key), runId, 1));
    }

    /** The rows written by DuckDB to zstd Parquet with the partition column, as the runner writes an output, and put under {@code key}. */
    private long upload(String key, TableLayout layout, String partition, int rows) {
        Path file = scratch.resolve("part-" + (files++) + ".parquet");
        TableLayout.PartitionColumn column = layout.partitionColumn().orElseThrow();
        String select = "SELECT i::BIGINT AS id, 'name-' || i AS name, (i * 10)::BIGINT AS cents, " + column.sqlLiteral(partition) + " AS "
                + column.name() + " FROM range(0, " + rows + ") t(i)";
        try (Statement s = duckdb.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
            s3.client().putObject(b -> b.bucket(BUCKET).key(key), file);
            long bytes = Files.size(file);
            Files.delete(file);
            return bytes;
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not write " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The table of {@code pipeline}'s first output: its snapshots and the size of its current metadata file. */
    String describe(String pipeline) {
        String asset = project.pipeline(pipeline).orElseThrow().outputs().get(0).asset();
        Optional<Table> table = tables.table(asset);
        if (table.isEmpty()) {
            return "no table";
        }
        String location = ((HasTableOperations) table.get()).operations().current().metadataFileLocation();
        String key = location.substring(("s3://" + BUCKET + "/").length());
        long bytes = s3.client().headObject(b -> b.bucket(BUCKET).key(key)).contentLength();
        int manifests = table.get().currentSnapshot().allManifests(table.get().io()).size();
        return String.format("%d snapshots, metadata file %.0f KB, %d manifests", countSnapshots(table.get()), bytes / 1e3, manifests);
    }

    private static long countSnapshots(Table table) {
        return StreamSupport.stream(table.snapshots().spliterator(), false).count();
    }

    @Override
    public void close() throws Exception {
        try (duckdb; tables; bus; dynamo; s3; postgres) {
            TempDirs.delete(scratch);
        }
    }
}
