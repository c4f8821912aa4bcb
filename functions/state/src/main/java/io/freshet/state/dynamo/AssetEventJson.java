package io.freshet.state.dynamo;

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
import io.freshet.core.events.Producer;
import io.freshet.state.StoreException;

/**
 * The JSON an event item keeps ({@code json}): the shape of the bus's {@code Asset Updated} detail,
 * field for field and in the same order (functions/aws's EventJson writes that one), so that items
 * written before the store had its own codec read back unchanged and an event re-announced from the
 * store carries the same detail.
 */
final class AssetEventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AssetEventJson() {
    }

    static String write(AssetEvent e) {
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
        new TreeMap<>(e.metadata()).forEach(metadata::put);
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of Jackson nodes always serialises", ex);
        }
    }

    static AssetEvent read(String json) {
        JsonNode d;
        try {
            d = MAPPER.readTree(json);
        } catch (JsonProcessingException ex) {
            throw new StoreException("a stored event is not JSON: " + ex.getOriginalMessage(), ex);
        }
        Map<String, String> metadata = new TreeMap<>();
        JsonNode m = d.path("metadata");
        m.fieldNames().forEachRemaining(k -> metadata.put(k, m.get(k).asText()));
        List<String> objects = new ArrayList<>();
        d.path("objects").forEach(o -> objects.add(o.asText()));
        JsonNode cv = d.path("codeVersion");
        JsonNode producer = d.path("producer");
        return new AssetEvent(d.path("eventId").asText(), d.path("asset").asText(), d.path("partition").asText(),
                Instant.parse(d.path("time").asText()),
                new Producer(Producer.Kind.fromWire(producer.path("kind").asText()), producer.path("id").asText()),
                d.path("dataVersion").asText(), cv.isTextual() ? Optional.of(cv.asText()) : Optional.empty(), objects, metadata);
    }
}
