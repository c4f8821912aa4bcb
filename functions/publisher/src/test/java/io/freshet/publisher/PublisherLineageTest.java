package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.RIDES;
import static io.freshet.publisher.PublisherWorld.STATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.lineage.OpenLineageSchema;
import io.freshet.lineage.RunLineage;
import io.freshet.lineage.TableNaming;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.testkit.LocalS3;
import io.openlineage.client.OpenLineageClientUtils;

/**
 * A published run's OpenLineage COMPLETE comes from the publisher, once: under the runner's run id
 * of the attempt, its outputs the committed tables (one dataset each, named by the catalog, the
 * snapshot as version, the columns at that snapshot as a schema facet), valid against the spec.
 * A run the publisher fails gets FAIL.
 */
class PublisherLineageTest {

    static final TableNaming GLUE = TableNaming.glue(LocalS3.REGION.id(), "123456789012");
    static PublisherLake lake;

    @BeforeAll
    static void start() throws Exception {
        lake = PublisherLake.start();
    }

    @AfterAll
    static void stop() throws Exception {
        lake.close();
    }

    @Test
    void aPublishedRunEmitsOneCompleteNamingItsTablesWithTheirSchemaUnderTheRunnersRunId() {
        PublisherWorld w = lake.world();
        Run run = w.staged("clean", 5);
        List<String> sent = new CopyOnWriteArrayList<>();
        RunLineage lineage = new RunLineage("freshet-test", List.of(sent::add), null, GLUE);
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, lineage).publish(run.runId()));
        // Redelivered: the run is no longer PUBLISHING, nothing more is emitted.
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, lineage).publish(run.runId()));

        assertEquals(1, sent.size(), "exactly one event: " + sent);
        JsonNode e = EventJson.read(sent.getFirst());
        assertEquals(Set.of(), OpenLineageSchema.violations(e), e.toString());
        OpenLineageClientUtils.runEventFromJson(e.toString());
        assertEquals("COMPLETE", e.get("eventType").asText());
        assertEquals(RunLineage.runUuid(run.runId(), 1).toString(), e.at("/run/runId").asText(), "the runner's START is this run");
        assertEquals("rides", e.at("/job/name").asText());

        JsonNode outputs = e.get("outputs");
        assertEquals(2, outputs.size(), "one dataset per table: " + outputs);
        for (int i = 0; i < 2; i++) {
            String asset = List.of(RIDES, STATIONS).get(i);
            AssetEvent recorded = w.store.events().event(Ids.runOutput(run.runId(), asset)).orElseThrow();
            String table = recorded.metadata().get(TableMetadata.TABLE);
            JsonNode out = outputs.get(i);
            assertEquals("arn:aws:glue:" + LocalS3.REGION.id() + ":123456789012", out.get("namespace").asText());
            assertEquals("table/" + table.replace('.', '/'), out.get("name").asText(), "named by the catalog, not the S3 location");
            assertEquals(recorded.metadata().get(TableMetadata.SNAPSHOT), out.at("/facets/version/datasetVersion").asText());
            assertEquals("glue", out.at("/facets/catalog/type").asText());
            assertEquals(Long.parseLong(recorded.metadata().get("bytes")), out.at("/outputFacets/outputStatistics/size").asLong());
            Table committed = w.table(asset);
            assertEquals(columns(committed), fields(out), asset + ": the table's columns at its snapshot");
        }
        assertTrue(fields(outputs.get(0)).containsAll(List.of("ride_id:int", "station_id:string", "fare_cents:long")), fields(outputs.get(0)).toString());

        JsonNode inputs = e.get("inputs");
        assertEquals(1, inputs.size(), "the source upload the run consumed: " + inputs);
        assertEquals("s3://" + w.bucket, inputs.get(0).get("namespace").asText());
        assertEquals("landing/rides/date=" + PublisherWorld.DAY, inputs.get(0).get("name").asText());
    }

    @Test
    void aRunThePublisherFailsEmitsFailWithTheReasonAndNoOutputs() {
        PublisherWorld w = lake.world();
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE).publish(w.staged("first", 3).runId()));
        Map<String, String> selects = new LinkedHashMap<>();
        selects.put(RIDES, PublisherWorld.rides(7));
        selects.put(STATIONS, "SELECT 'st-' || i AS station_id, i::INTEGER AS zone FROM range(0, 3) t(i)"); // station_name dropped
        Run second = w.staged("second", selects);
        List<String> sent = new CopyOnWriteArrayList<>();
        RunLineage lineage = new RunLineage("freshet-test", List.of(sent::add), null, GLUE);
        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, lineage).publish(second.runId()));

        assertEquals(1, sent.size(), sent.toString());
        JsonNode e = EventJson.read(sent.getFirst());
        assertEquals(Set.of(), OpenLineageSchema.violations(e), e.toString());
        assertEquals("FAIL", e.get("eventType").asText());
        assertEquals(RunLineage.runUuid(second.runId(), 1).toString(), e.at("/run/runId").asText());
        assertEquals(0, e.get("outputs").size());
        assertTrue(e.at("/run/facets/errorMessage/message").asText().contains("station_name"), e.toString());
    }

    static List<String> columns(Table table) {
        return table.schemas().get(table.currentSnapshot().schemaId()).columns().stream().map(c -> c.name() + ":" + c.type()).toList();
    }

    static List<String> fields(JsonNode dataset) {
        List<String> out = new ArrayList<>();
        dataset.at("/facets/schema/fields").forEach(f -> out.add(f.get("name").asText() + ":" + f.get("type").asText()));
        return out;
    }
}
