package io.freshet.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.events.TableMetadata;

/** An asset event as the OpenLineage dataset a run read or wrote: a lake table by its event's table keys, else S3 files. */
class LineageDatasetsTest {

    static final Instant T = Instant.parse("2026-05-27T01:10:00Z");

    @Test
    void anEventThatPublishedATablesPartitionIsThatTableAtItsSnapshot() {
        String location = "s3://lake/warehouse/freshet_demo.db/core_trips";
        AssetEvent e = new AssetEvent("ev-1", "core.trips", "2026-05-26", T, new Producer(Producer.Kind.RUN, "run-1"), "dv-1", Optional.of("cv"),
                List.of(location + "/data/date=2026-05-26/00000-0.parquet", location + "/data/date=2026-05-26/00001-0.parquet"),
                Map.of("rows", "7", "bytes", "900", TableMetadata.TABLE, "freshet_demo.core_trips", TableMetadata.SNAPSHOT, "4967831052207139283",
                        TableMetadata.METADATA_LOCATION, location + "/metadata/00004-c.metadata.json"));
        RunLineage.Dataset d = LineageDatasets.of(e);
        assertEquals(Optional.of(new RunLineage.Table("freshet_demo.core_trips", location)), d.table());
        assertEquals(Optional.of("4967831052207139283"), d.version(), "the table's version is the snapshot, not the partition's data version");
        assertEquals(Optional.of(7L), d.rows());
        assertEquals(Optional.of(900L), d.bytes());
        assertEquals(Optional.of(2L), d.files());
        assertEquals("s3://lake", d.namespace());
        assertEquals("warehouse/freshet_demo.db/core_trips", d.name(), "one name for every partition of the table");
    }

    @Test
    void aSourcesUploadStaysS3FilesNamedUpToItsPartition() {
        AssetEvent e = new AssetEvent("ev-2", "landing.taps", "2026-05-26", T, new Producer(Producer.Kind.S3_UPLOAD, "s3://lake/landing/taps/date=2026-05-26/a.csv"),
                "v1", Optional.empty(), List.of("s3://lake/landing/taps/date=2026-05-26/a.csv"), Map.of());
        RunLineage.Dataset d = LineageDatasets.of(e);
        assertTrue(d.table().isEmpty());
        assertEquals("s3://lake", d.namespace());
        assertEquals("landing/taps/date=2026-05-26", d.name());
        assertEquals(Optional.empty(), d.version());
        assertEquals(Optional.of(1L), d.files());
    }
}
