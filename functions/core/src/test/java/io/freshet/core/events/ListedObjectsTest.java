package io.freshet.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** One write of a listed source, placed against its key's history, as both the listing and s3-events place it. */
class ListedObjectsTest {

    static final String ASSET = "landing.drops";
    static final String BUCKET = "lake";
    static final String KEY = "drops/date=2026-11-20/a.csv";
    static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    static AssetEvent recorded(ListedObjects.New n, String etag, Instant time) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(S3Change.SEQUENCER, n.sequencer());
        metadata.put(ListedObjects.ETAG, etag);
        return new AssetEvent(n.eventId(), ASSET, "2026-11-20", time, new Producer(Producer.Kind.S3_UPLOAD, "s3://" + BUCKET + "/" + KEY),
                etag, Optional.empty(), List.of("s3://" + BUCKET + "/" + KEY), metadata);
    }

    @Test
    void contentThatComesBackIsAChangeEachTimeAndIdenticalContentRecordsOnce() {
        List<AssetEvent> history = new ArrayList<>();
        ListedObjects.New a = assertInstanceOf(ListedObjects.New.class, ListedObjects.place(ASSET, BUCKET, KEY, "etag-a", history));
        assertEquals("", a.sequencer(), "nothing recorded: no sequencer to follow");
        history.add(recorded(a, "etag-a", T));
        ListedObjects.Recorded same = assertInstanceOf(ListedObjects.Recorded.class, ListedObjects.place(ASSET, BUCKET, KEY, "etag-a", history));
        assertEquals(a.eventId(), same.event().eventId(), "identical content: the recorded event, whichever way it is seen again");

        ListedObjects.New b = assertInstanceOf(ListedObjects.New.class, ListedObjects.place(ASSET, BUCKET, KEY, "etag-b", history));
        assertEquals(T.plusNanos(1000), b.notBefore(), "after the key's previous change");
        history.add(recorded(b, "etag-b", T.plusSeconds(60)));
        ListedObjects.New aAgain = assertInstanceOf(ListedObjects.New.class, ListedObjects.place(ASSET, BUCKET, KEY, "etag-a", history));
        assertNotEquals(a.eventId(), aAgain.eventId(), "A, B, A: the second A follows B, a change of its own");
        history.add(recorded(aAgain, "etag-a", T.plusSeconds(120)));
        assertEquals("etag-a", PartitionContent.live(history, Instant.MAX).get(0).dataVersion(), "the fold ends at the newest content");
    }

    @Test
    void theIdDependsOnTheContentAndThePreviousChangeOnly() {
        String id = ListedObjects.place(ASSET, BUCKET, KEY, "etag-a", List.of()) instanceof ListedObjects.New n ? n.eventId() : "";
        assertEquals(Ids.listedObject(ASSET, BUCKET, KEY, "etag-a", ""), id);
        assertNotEquals(id, Ids.listedObject("landing.other", BUCKET, KEY, "etag-a", ""), "per source");
    }
}
