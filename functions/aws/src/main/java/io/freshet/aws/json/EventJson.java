package io.freshet.aws.json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.runs.Run;
import io.freshet.state.json.AssetEventJson;

/**
 * The JSON shapes of Freshet's events on EventBridge (source {@code freshet}). Other teams
 * subscribe to these, so fields are only ever added.
 *
 * <pre>
 * Asset Updated   {"eventId","asset","partition","time","producer":{"kind","id"},"dataVersion","codeVersion","objects":[...],"metadata":{...}}
 * Run Requested   {"runId","pipeline","partition","reason","consumed":[eventId...]}
 * Run Succeeded / Run Failed / Run Skipped   {"runId","pipeline","partition","reason"}
 * </pre>
 */
public final class EventJson {

    public static final String SOURCE = "freshet";
    public static final String ASSET_UPDATED = "Asset Updated";
    public static final String RUN_REQUESTED = "Run Requested";
    /** To the publisher: a run's attempt staged its outputs; commit them to their tables and publish. */
    public static final String RUN_OUTPUTS_STAGED = "Run Outputs Staged";
    public static final String RUN_SUCCEEDED = "Run Succeeded";
    public static final String RUN_FAILED = "Run Failed";
    public static final String RUN_SKIPPED = "Run Skipped";
    public static final String ASSET_OVERDUE = "Asset Overdue";
    public static final String ASSET_FRESH_AGAIN = "Asset Fresh Again";
    /** An OpenLineage RunEvent, as the detail, for lineage tools that read the bus. */
    public static final String OPENLINEAGE_RUN_EVENT = "OpenLineage Run Event";

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {
    }

    public static String assetUpdated(AssetEvent e) {
        return AssetEventJson.write(e);
    }

    /** Reads an {@code Asset Updated} detail; a missing or mistyped field fails with its name. */
    public static AssetEvent assetEvent(JsonNode d) {
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode m = d.path("metadata");
        m.fieldNames().forEachRemaining(k -> metadata.put(k, m.get(k).asText()));
        AssetEventJson.readKey(d, metadata);
        List<String> objects = new ArrayList<>();
        d.path("objects").forEach(o -> objects.add(o.asText()));
        JsonNode cv = d.path("codeVersion");
        return new AssetEvent(text(d, "eventId"), text(d, "asset"), text(d, "partition"),
                Instant.parse(text(d, "time")),
                new Producer(Producer.Kind.fromWire(text(d.path("producer"), "kind")), text(d.path("producer"), "id")),
                text(d, "dataVersion"), cv.isTextual() ? Optional.of(cv.asText()) : Optional.empty(), objects, metadata);
    }

    public static String runRequested(Run run) {
        ObjectNode n = runNode(run, run.reason());
        ArrayNode consumed = n.putArray("consumed");
        run.consumed().forEach(consumed::add);
        return write(n);
    }

    /** {@code Run Outputs Staged}: the run, and the attempt whose staged outputs the publisher publishes. */
    public static String outputsStaged(Run run, int attempt) {
        ObjectNode n = runNode(run, "outputs staged by attempt " + attempt);
        n.put("attempt", attempt);
        return write(n);
    }

    public static String runFinished(Run run, String reason) {
        return write(runNode(run, reason));
    }

    private static ObjectNode runNode(Run run, String reason) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("runId", run.runId());
        n.put("pipeline", run.pipeline());
        n.put("partition", run.partition());
        n.put("reason", reason);
        return n;
    }

    /** {@code Asset Overdue} / {@code Asset Fresh Again}: one violation of an asset partition's freshness policy. */
    public static String freshness(String asset, String partition, String violationId, String policy, String reason, Instant since) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("asset", asset);
        n.put("partition", partition);
        n.put("violationId", violationId);
        n.put("policy", policy);
        n.put("reason", reason);
        n.put("since", since.toString());
        return write(n);
    }

    public static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage());
        }
    }

    /** A required text field, or a {@link MalformedEventException} naming it. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedEventException("missing or non-text field '" + field + "'");
        }
        return v.asText();
    }

    public static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of Jackson nodes always serialises", e);
        }
    }
}
