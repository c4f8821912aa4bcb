package io.freshet.publisher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.aws.json.EventJson;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.model.TableLayout;
import io.freshet.core.runs.Run;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.lineage.RunLineage;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.tables.CatalogConfig;
import io.freshet.tables.LakeHousekeeping;
import io.freshet.tables.LakeTables;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;

/**
 * One test's world: its bucket, catalog namespace and state table, a clock at the real time (S3's
 * last-modified times and Iceberg's snapshot times are real), the announcements noted in order,
 * and runs of pipeline {@code rides} brought to PUBLISHING as the runner brings them: a run
 * created from a source event, an attempt started, each output's Parquet file uploaded under the
 * attempt's key, the outputs staged.
 */
final class PublisherWorld {

    static final String DAY = "2026-11-20";
    static final String RIDES = "core.rides";
    static final String STATIONS = "core.stations";
    static final Duration LEASE = Duration.ofMinutes(1);

    final PublisherLake lake;
    final String bucket;
    final StateStore store;
    final LakeTables tables;
    final MutableClock clock = new MutableClock(Instant.now());
    final List<String> announced = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    PublisherWorld(PublisherLake lake, int n) {
        this.lake = lake;
        this.bucket = "lake-" + n;
        lake.s3.createBucket(bucket);
        String table = "publisher-" + n;
        DynamoStateStore.createTable(lake.dynamo.client(), table);
        this.store = new DynamoStateStore(lake.dynamo.client(), table, clock);
        CatalogConfig.Local config = new CatalogConfig.Local(lake.postgres.jdbcUrl(), lake.postgres.user(), lake.postgres.password(),
                "s3://" + bucket + "/", lake.s3.endpoint(), LocalS3.REGION.id(), "local", "local");
        this.tables = new LakeTables(config, Namespace.of("publisher_test_" + n));
    }

    PublisherService publisher(FaultPoints faults) {
        return publisher(faults, announcer());
    }

    PublisherService publisher(FaultPoints faults, Announcer announcer) {
        return publisher(faults, announcer, LakeHousekeeping.DEFAULT_RETENTION);
    }

    PublisherService publisher(FaultPoints faults, Announcer announcer, Duration tableRetention) {
        return publisher(faults, announcer, tableRetention, RunLineage.NONE);
    }

    /** A publisher emitting OpenLineage events to {@code lineage}. */
    PublisherService publisher(FaultPoints faults, RunLineage lineage) {
        return publisher(faults, announcer(), LakeHousekeeping.DEFAULT_RETENTION, lineage);
    }

    private PublisherService publisher(FaultPoints faults, Announcer announcer, Duration tableRetention, RunLineage lineage) {
        JsonLog json = new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), clock, Map.of("function", "publisher"));
        return new PublisherService(lake.project, store, tables, bucket, announcer, json, clock, faults, tableRetention, lineage);
    }

    /** A publisher that loads outputs into PostgreSQL with {@code credentials}. */
    PublisherService publisher(FaultPoints faults, PgCredentials credentials) {
        JsonLog json = new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), clock, Map.of("function", "publisher"));
        return new PublisherService(lake.project, store, tables, bucket, announcer(), json, clock, faults,
                LakeHousekeeping.DEFAULT_RETENTION, RunLineage.NONE, credentials);
    }

    /** The publisher's log lines, each a JSON object. */
    List<JsonNode> logLines() {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8).lines().map(EventJson::read).toList();
        }
    }

    /** Notes every announcement as {@code "<detail-type> <json>"}. */
    Announcer announcer() {
        return (type, json) -> announced.add(type + " " + json);
    }

    List<JsonNode> announcements(String type) {
        return announced.stream().filter(a -> a.startsWith(type + " ")).map(a -> EventJson.read(a.substring(type.length() + 1))).toList();
    }

    /** Rides {@code 1..rides} at three stations (fares of 10 cents a ride id). */
    static String rides(int rides) {
        return "SELECT i::INTEGER AS ride_id, 'st-' || (i % 3) AS station_id, (i * 10)::BIGINT AS fare_cents FROM range(1, "
                + (rides + 1) + ") t(i)";
    }

    static String stations() {
        return "SELECT 'st-' || i AS station_id, 'Station ' || i AS station_name, i::INTEGER AS zone FROM range(0, 3) t(i)";
    }

    /** A run of {@code rides} for {@link #DAY}, created from its own source event, not started. */
    Run run(String label) {
        AssetEvent source = new AssetEvent(Ids.hash(24, List.of(bucket, label)), "landing.rides", DAY, clock.instant(),
                new Producer(Producer.Kind.S3_UPLOAD, "s3://" + bucket + "/landing/rides/date=" + DAY + "/" + label + ".csv"),
                Ids.hash(16, List.of(label)), Optional.empty(), List.of("s3://" + bucket + "/landing/rides/date=" + DAY + "/" + label + ".csv"),
                Map.of());
        store.events().record(source);
        clock.advance(Duration.ofSeconds(1));
        return consumerRun("rides", source);
    }

    /** A run of {@code pipeline} for the event's partition consuming it; it stays QUEUED, so active. */
    Run consumerRun(String pipeline, AssetEvent consumed) {
        var view = store.consumers().view(pipeline, consumed.partition());
        List<PendingEvent> pending = List.of(new PendingEvent(consumed.eventId(), consumed.asset(), consumed.partition(), consumed.time()));
        return store.runs().tryCreate(view, Ids.run(pipeline, consumed.partition(), List.of(consumed.eventId())), pending, "test")
                .orElseThrow();
    }

    int startAttempt(Run run) {
        return store.runs().startAttempt(run.runId(), clock.instant().plus(LEASE)).orElseThrow();
    }

    /** Each output's rows ({@code asset -> select}, the partition column added) uploaded as the attempt's file. */
    List<AssetEvent> upload(Run run, int attempt, Map<String, String> selects) {
        List<AssetEvent> events = new ArrayList<>();
        selects.forEach((asset, select) -> {
            TableLayout layout = TableLayout.of(lake.project.output(asset).orElseThrow(), StackParameters.lakeBucket(bucket));
            TableLayout.PartitionColumn column = layout.partitionColumn().orElseThrow();
            String key = layout.dataKey(run.partition(), run.runId(), attempt);
            long bytes = lake.upload(bucket, key, "SELECT *, " + column.sqlLiteral(run.partition()) + " AS " + column.name() + " FROM (" + select + ")");
            events.add(new AssetEvent(Ids.runOutput(run.runId(), asset), asset, run.partition(), clock.instant(),
                    new Producer(Producer.Kind.RUN, run.runId()), Ids.hash(16, List.of(key)), Optional.of(codeVersion()),
                    List.of("s3://" + bucket + "/" + key), Map.of("bytes", Long.toString(bytes))));
        });
        return events;
    }

    /** A run of {@code rides} PUBLISHING: attempt 1 uploaded {@code selects} and staged them. */
    Run staged(String label, Map<String, String> selects) {
        Run run = run(label);
        int attempt = startAttempt(run);
        stage(run, attempt, upload(run, attempt, selects));
        return store.runs().run(run.runId()).orElseThrow();
    }

    /** Both outputs: {@code rides} rides and the three stations. */
    Run staged(String label, int rides) {
        Map<String, String> selects = new LinkedHashMap<>();
        selects.put(RIDES, rides(rides));
        selects.put(STATIONS, stations());
        return staged(label, selects);
    }

    void stage(Run run, int attempt, List<AssetEvent> events) {
        if (!store.runs().stageOutputs(run.runId(), attempt, events, Map.of("landing.rides", "v-" + run.runId()), codeVersion())) {
            throw new IllegalStateException("attempt " + attempt + " of " + run.runId() + " could not stage");
        }
    }

    String codeVersion() {
        return lake.project.codeVersion("rides");
    }

    Table table(String asset) {
        return tables.table(asset).orElseThrow(() -> new AssertionError("no table for " + asset));
    }

    /** The table's snapshots committed by {@code runId}'s attempt {@code attempt}. */
    List<Snapshot> commitsOf(String asset, String runId, int attempt) {
        List<Snapshot> commits = new ArrayList<>();
        for (Snapshot s : table(asset).snapshots()) {
            if (runId.equals(s.summary().get(LakeTables.RUN_ID)) && Integer.toString(attempt).equals(s.summary().get(LakeTables.ATTEMPT))) {
                commits.add(s);
            }
        }
        return commits;
    }

    /** The objects under {@code prefix} of the world's bucket: key -> size. */
    Map<String, Long> listing(String prefix) {
        Map<String, Long> objects = new TreeMap<>();
        lake.s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> objects.put(o.key(), o.size()));
        return objects;
    }

    /** The bucket's key of an {@code s3://} location in it. */
    String key(String location) {
        String prefix = "s3://" + bucket + "/";
        if (!location.startsWith(prefix)) {
            throw new IllegalArgumentException(location + " is not in " + bucket);
        }
        return location.substring(prefix.length());
    }

    /** Fault points that kill the publication the {@code nth} time {@code point} is reached. */
    static FaultPoints killAt(String point, int nth) {
        int[] seen = {0};
        return p -> {
            if (p.equals(point) && ++seen[0] == nth) {
                throw new FaultPoints.Killed(p);
            }
        };
    }
}
