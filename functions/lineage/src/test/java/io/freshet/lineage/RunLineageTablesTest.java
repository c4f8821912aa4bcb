package io.freshet.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;

/**
 * Lake tables in a run's OpenLineage events: one dataset per table, named by its catalog as the
 * naming spec asks (Glue), as OpenLineage's Spark integration names an Iceberg JDBC catalog's
 * tables, or by location; with the snapshot as version, the storage and catalog facets, the
 * location as a symlink; every event valid against the spec's schema and read back by the client.
 */
class RunLineageTablesTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final Pipeline TRIPS = METRO.pipeline("core_trips").orElseThrow();
    static final Instant NOW = Instant.parse("2026-05-27T01:10:00Z");
    static final Run RUN = new Run("run-1", TRIPS.name(), "2026-05-26", RunState.RUNNING, "test", List.of(), NOW, NOW, false, 1,
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    static final String WAREHOUSE = "s3://lake/warehouse/freshet_demo.db/";

    static RunLineage.Dataset table(String table, String snapshot, long rows, long files) {
        RunLineage.Table t = RunLineage.Table.of("freshet_demo." + table, WAREHOUSE + table + "/metadata/00002-a.metadata.json", List.of());
        return RunLineage.Dataset.table(t, Optional.of(snapshot), Optional.of(rows), Optional.of(rows * 100), files);
    }

    /** core_trips read two partitions of raw.stations (two snapshots) and a day's uploads, and wrote core.trips. */
    static JsonNode complete(TableNaming naming) {
        List<RunLineage.Dataset> inputs = List.of(
                RunLineage.Dataset.files("s3://lake", "landing/taps/date=2026-05-26", Optional.empty(), Optional.empty(), Optional.empty(), 2),
                table("raw_stations", "111", 10, 1), table("raw_stations", "222", 12, 1));
        List<RunLineage.Dataset> outputs = List.of(table("core_trips", "4967831052207139283", 2, 3));
        List<String> sent = new ArrayList<>();
        new RunLineage("freshet-test", List.of(sent::add), null, naming).complete(RUN, 1, TRIPS, NOW, inputs, outputs);
        JsonNode e = EventJson.read(sent.getFirst());
        assertEquals(Set.of(), OpenLineageSchema.violations(e), e.toString());
        OpenLineageClientUtils.runEventFromJson(e.toString());
        return e;
    }

    @Test
    void onGlueATableIsTheSpecsGlueTableOnceWithItsSnapshotAndItsLocationAsASymlink() {
        JsonNode e = complete(TableNaming.glue("eu-central-1", "123456789012"));
        JsonNode out = e.get("outputs").get(0);
        assertEquals("arn:aws:glue:eu-central-1:123456789012", out.get("namespace").asText());
        assertEquals("table/freshet_demo/core_trips", out.get("name").asText());
        assertEquals("4967831052207139283", out.at("/facets/version/datasetVersion").asText());
        assertEquals(2, out.at("/outputFacets/outputStatistics/rowCount").asLong());
        assertEquals(3, out.at("/outputFacets/outputStatistics/fileCount").asLong(), "the partition's data files");
        assertEquals("s3://lake", out.at("/facets/symlinks/identifiers/0/namespace").asText());
        assertEquals("warehouse/freshet_demo.db/core_trips", out.at("/facets/symlinks/identifiers/0/name").asText());
        assertEquals("LOCATION", out.at("/facets/symlinks/identifiers/0/type").asText());
        assertEquals("iceberg", out.at("/facets/catalog/framework").asText());
        assertEquals("glue", out.at("/facets/catalog/type").asText());
        assertEquals("freshet", out.at("/facets/catalog/name").asText());
        assertEquals("iceberg", out.at("/facets/storage/storageLayer").asText());
        assertEquals("parquet", out.at("/facets/storage/fileFormat").asText());

        JsonNode in = e.get("inputs");
        assertEquals(2, in.size(), "one dataset per table, not one per partition read: " + in);
        assertEquals("s3://lake", in.get(0).get("namespace").asText(), "a source's uploads stay files");
        assertEquals("landing/taps/date=2026-05-26", in.get(0).get("name").asText());
        assertFalse(in.get(0).at("/facets").has("catalog"));
        assertEquals("table/freshet_demo/raw_stations", in.get(1).get("name").asText());
        assertFalse(in.get(1).at("/facets").has("version"), "two partitions read at two snapshots: no one version");
    }

    @Test
    void onTheJdbcCatalogATableIsNamedAsOpenLineageNamesAnIcebergJdbcCatalogsTable() {
        JsonNode out = complete(TableNaming.jdbc("jdbc:postgresql://127.0.0.1:54321/freshet?sslmode=disable")).get("outputs").get(0);
        assertEquals("postgres://127.0.0.1:54321", out.get("namespace").asText());
        assertEquals("freshet.freshet_demo.core_trips", out.get("name").asText());
        assertEquals("jdbc", out.at("/facets/catalog/type").asText());
        assertEquals("postgres://localhost:5432", TableNaming.jdbc("jdbc:postgresql://localhost/freshet").name(
                new RunLineage.Table("freshet_demo.core_trips", WAREHOUSE + "core_trips")).namespace(), "PostgreSQL's port when none is given");
        assertThrows(IllegalArgumentException.class, () -> TableNaming.jdbc("jdbc:sqlite:catalog.db"));
    }

    @Test
    void whenTheCatalogIsNotKnownATableIsNamedByItsLocationWithNoCatalogFacet() {
        JsonNode out = complete(TableNaming.location()).get("outputs").get(0);
        assertEquals("s3://lake", out.get("namespace").asText());
        assertEquals("warehouse/freshet_demo.db/core_trips", out.get("name").asText());
        assertFalse(out.get("facets").has("catalog"), "the catalog facet requires a type");
        assertFalse(out.get("facets").has("symlinks"));
        assertEquals("4967831052207139283", out.at("/facets/version/datasetVersion").asText());
    }

    @Test
    void aTableWhoseColumnsAreKnownCarriesASchemaFacet() {
        RunLineage.Dataset trips = table("core_trips", "1", 2, 1).withSchema(List.of(new RunLineage.Column("trip_id", "long"),
                new RunLineage.Column("started_at", "timestamptz")));
        JsonNode e = EventJson.read(new RunLineage("freshet-test", List.of(), null, TableNaming.glue("eu-central-1", "123456789012"))
                .event(OpenLineage.RunEvent.EventType.COMPLETE, RUN, 1, TRIPS, NOW, List.of(), List.of(trips), Optional.empty()));
        assertEquals(Set.of(), OpenLineageSchema.violations(e), e.toString());
        JsonNode fields = e.at("/outputs/0/facets/schema/fields");
        assertEquals("trip_id", fields.get(0).get("name").asText());
        assertEquals("timestamptz", fields.get(1).get("type").asText());
    }

    @Test
    void aTablesLocationIsItsMetadataFilesDirectoryElseItsDataFiles() {
        assertEquals(WAREHOUSE + "core_trips", RunLineage.Table.of("freshet_demo.core_trips",
                WAREHOUSE + "core_trips/metadata/00003-b.metadata.json", List.of()).location());
        assertEquals(WAREHOUSE + "core_trips", RunLineage.Table.of("freshet_demo.core_trips", null,
                List.of(WAREHOUSE + "core_trips/data/date=2026-05-26/00000-0.parquet")).location());
        assertEquals("freshet_demo", new RunLineage.Table("freshet_demo.core_trips", "s3://x/t").database());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RunLineage.Table("core_trips", "s3://x/t"))
                .getMessage().contains("namespace.table"));
    }
}
