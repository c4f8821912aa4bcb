package io.freshet.cli.operate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.state.memory.MemoryStateStore;

/** The lake's tables as the state store's events tell them, on the store the functions use in memory. */
class TableListingTest {

    static final Project METRO = ProjectLoader.load(Path.of("../pipelines")).orThrow();
    static final Instant T = Instant.parse("2026-05-27T01:00:00Z");

    final MemoryStateStore store = new MemoryStateStore(Clock.fixed(T, ZoneOffset.UTC));

    AssetEvent record(String id, String asset, String partition, int minute, long rows, Optional<String> snapshot) {
        Map<String, String> m = new HashMap<>(Map.of("rows", Long.toString(rows)));
        snapshot.ifPresent(s -> {
            m.put(TableMetadata.TABLE, "freshet_demo." + asset.replace('.', '_'));
            m.put(TableMetadata.SNAPSHOT, s);
            m.put(TableMetadata.METADATA_LOCATION, "s3://lake/warehouse/t/metadata/" + s + ".metadata.json");
        });
        AssetEvent e = new AssetEvent(id, asset, partition, T.plusSeconds(60L * minute), new Producer(Producer.Kind.RUN, "run-" + id),
                "dv-" + id, Optional.of("cv"), List.of("s3://lake/x/" + id + ".parquet"), m);
        store.events().record(e);
        return e;
    }

    @Test
    void aTablesCurrentSnapshotIsItsNewestPublishedEventsAndEachPartitionShowsItsNewestEvent() {
        record("a", "core.trips", "2026-05-24", 1, 5, Optional.of("100"));
        record("b", "core.trips", "2026-05-24", 2, 6, Optional.of("200")); // the partition replaced
        record("c", "core.trips", "2026-05-25", 3, 7, Optional.of("300"));
        record("d", "core.trips", "2026-05-26", 4, 8, Optional.empty()); // written before the lake's tables

        TableListing.Table trips = TableListing.table("core.trips", store.events(), "demo");
        assertEquals("freshet_demo.core_trips", trips.table());
        assertTrue(trips.published());
        assertEquals(Optional.of("300"), trips.snapshot(), "the newest event that names a table: each commit records one");
        assertEquals(Optional.of("s3://lake/warehouse/t/metadata/300.metadata.json"), trips.metadataLocation());
        assertEquals(Optional.of(T.plusSeconds(240)), trips.updated(), "the newest partition's time, published or not");
        assertEquals(List.of(new TableListing.Partition("2026-05-26", Optional.empty(), OptionalLong.of(8), T.plusSeconds(240), "d"),
                new TableListing.Partition("2026-05-25", Optional.of("300"), OptionalLong.of(7), T.plusSeconds(180), "c"),
                new TableListing.Partition("2026-05-24", Optional.of("200"), OptionalLong.of(6), T.plusSeconds(120), "b")), trips.partitions());
        assertEquals(21, trips.rows(), "each partition's newest rows, not every event's");
    }

    @Test
    void anAssetNeverPublishedShowsTheTableItWillBeAndSourcesAreListedApart() {
        record("e", "core.network", "", 1, 3, Optional.empty());
        List<TableListing.Table> tables = TableListing.collect(METRO, store.events(), "Data-Eng");
        assertEquals(List.of("raw.stations", "raw.routes", "raw.route_stations", "raw.passengers", "raw.taps", "core.network",
                "core.trips", "mart.daily_ridership", "core.station_directory").stream().sorted().toList(), tables.stream().map(TableListing.Table::asset).sorted().toList());
        TableListing.Table network = tables.stream().filter(t -> t.asset().equals("core.network")).findFirst().orElseThrow();
        assertEquals("freshet_data_eng.core_network", network.table());
        assertFalse(network.published());
        assertEquals("", network.partitions().getFirst().key(), "an unpartitioned asset's one partition");
        assertEquals(3, network.rows());
        TableListing.Table ridership = tables.stream().filter(t -> t.asset().equals("mart.daily_ridership")).findFirst().orElseThrow();
        assertEquals("freshet_data_eng.mart_daily_ridership", ridership.table());
        assertEquals(List.of(), ridership.partitions());
        assertEquals(Optional.empty(), ridership.updated());
        assertEquals(List.of(new TableListing.SourceAsset("metro.db", "postgres"), new TableListing.SourceAsset("landing.taps", "s3"),
                new TableListing.SourceAsset("metro.stations", "postgres")).stream()
                .sorted((x, y) -> x.asset().compareTo(y.asset())).toList(),
                TableListing.sources(METRO).stream().sorted((x, y) -> x.asset().compareTo(y.asset())).toList());
    }
}
