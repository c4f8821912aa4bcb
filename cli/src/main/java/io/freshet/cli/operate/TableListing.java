package io.freshet.cli.operate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.load.Project;
import io.freshet.core.model.LakeTableName;
import io.freshet.core.model.Source;
import io.freshet.state.EventLog;

/**
 * The lake's tables as the state store knows them, read from the asset events the publisher
 * recorded (their {@link TableMetadata} keys), so the CLI needs no Iceberg library and no catalog:
 * one table per derived asset, its current snapshot and metadata file (those of the newest event
 * that carries them: each commit replaces one partition and records one event), and each partition's
 * newest event. Source assets (S3 files users upload, PostgreSQL databases) have no table: they
 * are listed apart.
 */
public final class TableListing {

    private TableListing() {
    }

    /** A partition as its newest event left it. */
    public record Partition(String key, Optional<String> snapshot, OptionalLong rows, Instant time, String eventId) {
    }

    /**
     * A derived asset's table.
     *
     * @param table            the catalog name, {@code namespace.table}: the recorded one once published, else the would-be one
     * @param metadataLocation the table metadata file of {@code snapshot}
     * @param updated          the newest of its partitions' newest events
     * @param partitions       newest key first
     */
    public record Table(String asset, String table, boolean published, Optional<String> snapshot, Optional<String> metadataLocation,
                        Optional<Instant> updated, List<Partition> partitions) {

        /** Every partition's rows, of those whose newest event says how many. */
        public long rows() {
            return partitions.stream().mapToLong(p -> p.rows().orElse(0)).sum();
        }
    }

    /** The snapshot id an event published, when it published a table's partition. */
    public static Optional<String> snapshot(AssetEvent e) {
        return Optional.ofNullable(e.metadata().get(TableMetadata.SNAPSHOT));
    }

    /** Every derived asset's table, in dependency order. */
    public static List<Table> collect(Project project, EventLog events, String stackPrefix) {
        List<Table> tables = new ArrayList<>();
        for (String asset : project.graph().topologicalOrder()) {
            if (project.producerOf(asset).isPresent()) {
                tables.add(table(asset, events, stackPrefix));
            }
        }
        return tables;
    }

    /** A source asset: S3 files users upload, which stay files, or a PostgreSQL database snapshots read. */
    public record SourceAsset(String asset, String kind) {
        public static final String S3 = "s3";
        public static final String POSTGRES = "postgres";
    }

    /** The source assets, which have no table of their own. */
    public static List<SourceAsset> sources(Project project) {
        return project.graph().topologicalOrder().stream().flatMap(a -> project.source(a).stream()
                .map(s -> new SourceAsset(a, s instanceof Source.Postgres ? SourceAsset.POSTGRES : SourceAsset.S3))).toList();
    }

    static Table table(String asset, EventLog events, String stackPrefix) {
        List<Partition> partitions = new ArrayList<>();
        Optional<AssetEvent> current = Optional.empty();
        for (String key : events.partitionsWithData(asset, Integer.MAX_VALUE)) {
            Optional<AssetEvent> latest = events.latest(asset, key);
            if (latest.isEmpty()) {
                continue;
            }
            AssetEvent e = latest.get();
            String rows = e.metadata().get("rows");
            partitions.add(new Partition(key, snapshot(e), rows == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(rows)),
                    e.time(), e.eventId()));
            if (e.metadata().containsKey(TableMetadata.TABLE) && (current.isEmpty() || newer(e, current.get()))) {
                current = Optional.of(e);
            }
        }
        partitions.sort(Comparator.comparing(Partition::key).reversed());
        String name = current.map(e -> e.metadata().get(TableMetadata.TABLE)).orElseGet(() -> LakeTableName.qualified(stackPrefix, asset));
        return new Table(asset, name, current.isPresent(), current.flatMap(TableListing::snapshot),
                current.map(e -> e.metadata().get(TableMetadata.METADATA_LOCATION)),
                partitions.stream().map(Partition::time).max(Comparator.naturalOrder()), List.copyOf(partitions));
    }

    private static boolean newer(AssetEvent a, AssetEvent b) {
        return a.time().isAfter(b.time()) || a.time().equals(b.time()) && a.eventId().compareTo(b.eventId()) > 0;
    }
}
