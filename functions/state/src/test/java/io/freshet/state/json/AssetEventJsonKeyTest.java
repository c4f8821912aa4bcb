package io.freshet.state.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.events.Producer;

/**
 * A dynamically keyed event's JSON carries its key as a {@code key} object, not as metadata, and
 * reads back as the same event; an event without a key writes exactly the fields it always did.
 */
class AssetEventJsonKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static AssetEvent event(Map<String, String> metadata) {
        return new AssetEvent("ev-1", "core.line_trips", "2026-11-20", Instant.parse("2026-11-21T00:05:00Z"),
                new Producer(Producer.Kind.RUN, "run-1"), "sha", Optional.of("code"), List.of("s3://lake/core/line_trips/x.parquet"),
                metadata);
    }

    @Test
    void theKeyIsAnObjectOfItsOwnAndReadsBack() throws Exception {
        AssetEvent keyed = event(Map.of("rows", "2", EventKeys.PREFIX + "line", "A"));
        String json = AssetEventJson.write(keyed);
        JsonNode n = JSON.readTree(json);
        assertEquals("{\"line\":\"A\"}", n.get("key").toString());
        assertEquals("{\"rows\":\"2\"}", n.get("metadata").toString(), "the key is not repeated in the metadata");
        assertEquals(keyed, AssetEventJson.read(json));
        assertEquals(Map.of("line", "A"), EventKeys.of(AssetEventJson.read(json)));
    }

    @Test
    void anEventWithoutAKeyHasNoKeyField() throws Exception {
        AssetEvent plain = event(Map.of("rows", "2"));
        JsonNode n = JSON.readTree(AssetEventJson.write(plain));
        assertFalse(n.has("key"), n.toString());
        assertEquals(List.of("eventId", "asset", "partition", "time", "producer", "dataVersion", "codeVersion", "objects", "metadata"),
                List.copyOf(iterable(n)));
        assertEquals(plain, AssetEventJson.read(AssetEventJson.write(plain)));
    }

    private static List<String> iterable(JsonNode n) {
        ArrayList<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
