package io.freshet.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The fold of a partition's S3 changes into its live objects, as S3 versions a key. */
class PartitionContentTest {

    static final Instant T = Instant.parse("2026-06-02T08:00:00Z");

    static AssetEvent upload(String key, String version, String sequencer) {
        Map<String, String> m = new HashMap<>(Map.of(S3Change.SEQUENCER, sequencer));
        if (version != null) {
            m.put(S3Change.VERSION_ID, version);
        }
        return new AssetEvent("up-" + key + version + sequencer, "raw.a", "2026-06-02", T, new Producer(Producer.Kind.S3_UPLOAD, key),
                version == null ? "etag" + sequencer : version, Optional.empty(), List.of("s3://b/" + key), m);
    }

    static AssetEvent removal(String key, String version, String sequencer, String how) {
        Map<String, String> m = new HashMap<>(Map.of(S3Change.SEQUENCER, sequencer, S3Change.REMOVED, "s3://b/" + key, S3Change.REMOVAL, how));
        if (version != null) {
            m.put(S3Change.VERSION_ID, version);
        }
        return new AssetEvent("rm-" + key + sequencer, "raw.a", "2026-06-02", T, new Producer(Producer.Kind.S3_UPLOAD, key),
                how + version, Optional.empty(), List.of(), m);
    }

    static List<String> live(List<AssetEvent> events) {
        return PartitionContent.live(events, Instant.MAX).stream().map(AssetEvent::dataVersion).toList();
    }

    @Test
    void eachKeyFollowsItsSequencerWhateverTheOrderOfArrival() {
        List<AssetEvent> events = new ArrayList<>(List.of(
                upload("a.csv", "a1", "0064D3901D00059242"),
                upload("a.csv", "a2", "0064D3901D0005A0"), // shorter: right-padded, it sorts after a1
                upload("b.csv", "b1", "0000000000000001"), // other keys' sequencers are not compared with a's
                removal("a.csv", "dm", "0064D3901D0005A1", S3Change.DELETE_MARKER),
                removal("a.csv", "dm", "0064D3901D0005A2", S3Change.PERMANENT), // the delete marker itself is deleted: a2 is back
                upload("c.csv", "c1", "10"),
                removal("c.csv", "c1", "11", S3Change.PERMANENT),
                upload("d.csv", "d1", "20"),
                upload("d.csv", "d2", "21"),
                removal("d.csv", "d1", "22", S3Change.PERMANENT), // a lifecycle expiry of the old version
                upload("e.csv", "e1", "30"),
                removal("e.csv", "e2", "31", S3Change.EMPTIED)));
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            Collections.shuffle(events, random);
            assertEquals(List.of("a2", "b1", "d2"), live(events), events.toString());
        }
    }

    @Test
    void onAnUnversionedBucketAnUploadReplacesAndADeletionRemoves() {
        assertEquals(List.of("etag2"), live(List.of(upload("a", null, "2"), upload("a", null, "1"))));
        assertEquals(List.of(), live(List.of(upload("a", null, "1"), removal("a", null, "2", S3Change.PERMANENT))));
        assertEquals(List.of("etag3"), live(List.of(upload("a", null, "1"), removal("a", null, "2", S3Change.PERMANENT), upload("a", null, "3"))));
    }
}
