package io.freshet.state.json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.events.Producer;
import io.freshet.state.StoreException;

/**
 * An asset event as JSON, defined once: the detail of the bus's {@code Asset Updated} (functions/aws's
 * EventJson writes it with {@link #write}; other teams subscribe to it, so fields are only ever
 * added) and what the DynamoDB adapter keeps in an event item ({@code json}), so that an event
 * re-announced from the store carries the same detail. Only the adapter reads it back: events it
 * wrote itself, so {@link #read} checks nothing a writer of this class could have left out.
 */
public final class AssetEventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AssetEventJson() {
    }

    public static String write(AssetEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("eventId", e.eventId());
        n.put("asset", e.asset());
        n.put("partition", e.partition());
        n.put("time", e.time().toString());
        ObjectNode producer = n.putObject("producer");
        producer.put("kind", e.producer().kind().wireName());
        producer.put("id", e.producer().id());
        n.put("dataVersion", e.dataVersion());
        if (e.codeVersion().isPresent()) {
            n.put("codeVersion", e.codeVersion().get());
        } else {
            n.putNull("codeVersion");
        }
        ArrayNode objects = n.putArray("objects");
        e.objects().forEach(objects::add);
        ObjectNode metadata = n.putObject("metadata");
        new TreeMap<>(e.metadata()).forEach((k, v) -> {
            if (!k.startsWith(EventKeys.PREFIX)) {
                metadata.put(k, v);
            }
        });
        writeKey(n, e);
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of Jackson nodes always serialises", ex);
        }
    }

    public static AssetEvent read(String json) {
        JsonNode d;
        try {
            d = MAPPER.readTree(json);
        } catch (JsonProcessingException ex) {
            throw new StoreException("a stored event is not JSON: " + ex.getOriginalMessage(), ex);
        }
        Map<String, String> metadata = new TreeMap<>();
        JsonNode m = d.path("metadata");
        m.fieldNames().forEachRemaining(k -> metadata.put(k, m.get(k).asText()));
        readKey(d, metadata);
        List<String> objects = new ArrayList<>();
        d.path("objects").forEach(o -> objects.add(o.asText()));
        JsonNode cv = d.path("codeVersion");
        JsonNode producer = d.path("producer");
        return new AssetEvent(d.path("eventId").asText(), d.path("asset").asText(), d.path("partition").asText(),
                Instant.parse(d.path("time").asText()),
                new Producer(Producer.Kind.fromWire(producer.path("kind").asText()), producer.path("id").asText()),
                d.path("dataVersion").asText(), cv.isTextual() ? Optional.of(cv.asText()) : Optional.empty(), objects, metadata);
    }

    /**
     * A dynamically keyed event's key as the JSON's {@code key} object ({@code "key": {"line": "A"}});
     * nothing for an event without one, so the JSON of every other event is as it always was.
     */
    private static void writeKey(ObjectNode n, AssetEvent e) {
        Map<String, String> key = EventKeys.of(e);
        if (!key.isEmpty()) {
            ObjectNode k = n.putObject("key");
            key.forEach(k::put);
        }
    }

    /** The JSON's {@code key} object back into the metadata's {@code key.<column>} entries ({@link EventKeys}). */
    public static void readKey(JsonNode d, Map<String, String> metadata) {
        JsonNode key = d.path("key");
        key.fieldNames().forEachRemaining(k -> metadata.put(EventKeys.PREFIX + k, key.get(k).asText()));
    }
}
