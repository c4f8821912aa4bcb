package io.freshet.publisher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;

/**
 * The Lambda entry point on the same real parts: the rule's input (the detail), a whole
 * {@code Run Outputs Staged} envelope, a malformed detail, and the housekeeping schedule's input.
 */
class PublisherHandlerTest {

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
    void publishesFromAnEnvelopeOrABareDetailRejectsADetailWithoutRunAndHousekeeps() throws IOException {
        PublisherWorld w = lake.world();
        PublisherHandler handler = new PublisherHandler(w.publisher(FaultPoints.NONE));

        Run first = w.staged("enveloped", 3);
        String envelope = "{\"version\":\"0\",\"detail-type\":\"" + EventJson.RUN_OUTPUTS_STAGED + "\",\"source\":\"" + EventJson.SOURCE
                + "\",\"detail\":" + EventJson.outputsStaged(first, 1) + "}";
        assertEquals("SUCCEEDED", invoke(handler, envelope).path("state").asText());
        assertEquals(RunState.SUCCEEDED, w.store.runs().run(first.runId()).orElseThrow().state());

        Run second = w.staged("bare", 4);
        assertEquals("SUCCEEDED", invoke(handler, EventJson.outputsStaged(second, 1)).path("state").asText());
        PublisherServiceTest.assertPublished(w, second, PublisherWorld.RIDES);
        PublisherServiceTest.assertPublished(w, second, PublisherWorld.STATIONS);
        assertEquals(2, w.announcements(EventJson.RUN_SUCCEEDED).size());

        MalformedEventException malformed = assertThrows(MalformedEventException.class, () -> invoke(handler, "{\"attempt\":1}"));
        assertTrue(malformed.getMessage().contains("runId"), malformed.getMessage());
        assertThrows(MalformedEventException.class, () -> invoke(handler, "{\"detail-type\":\"Run Outputs Staged\",\"detail\":{\"runId\":null}}"));

        // Housekeeping within the retention: every table reported, nothing deleted.
        Map<String, Long> files = w.listing("core/");
        JsonNode totals = invoke(handler, "{\"housekeeping\": true}");
        assertEquals(2, totals.path("tables").asInt(), totals.toString());
        assertEquals(0, totals.path("filesDeleted").asInt());
        assertEquals(0, totals.path("snapshotsExpired").asInt());
        assertEquals(files.size(), totals.path("filesBefore").asInt());
        assertEquals(files.values().stream().mapToLong(Long::longValue).sum(), totals.path("bytesBefore").asLong());
        assertEquals(totals.path("bytesBefore").asLong(), totals.path("bytesAfter").asLong());
        assertEquals(0, totals.path("failedAssets").size());
        assertEquals(files, w.listing("core/"));
    }

    private static JsonNode invoke(PublisherHandler handler, String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
        return EventJson.read(out.toString(StandardCharsets.UTF_8));
    }
}
