package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** A versioned bucket on S3Proxy: version ids in events, reads of old versions, and the Object Deleted events of deletions. */
class LocalS3VersioningTest {

    private static LocalS3 s3;
    private static final List<String> CREATED = new CopyOnWriteArrayList<>();
    private static final List<String> DELETED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        s3.onObjectCreated(CREATED::add);
        s3.onObjectDeleted(DELETED::add);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void aVersionedBucketKeepsOverwrittenAndDeletedVersionsReadableAndSaysSoInItsEvents() {
        s3.createBucket("versioned");
        s3.enableVersioning("versioned");
        CREATED.clear();
        DELETED.clear();
        s3.client().putObject(b -> b.bucket("versioned").key("a/x.csv"), RequestBody.fromString("one"));
        s3.client().putObject(b -> b.bucket("versioned").key("a/x.csv"), RequestBody.fromString("two"));
        assertEquals(2, CREATED.size());
        String v1 = Json.parseOrNull(CREATED.get(0)).path("detail").path("object").path("version-id").asText();
        String v2 = Json.parseOrNull(CREATED.get(1)).path("detail").path("object").path("version-id").asText();
        assertFalse(v1.isEmpty(), CREATED.get(0));
        assertNotEquals(v1, v2);

        s3.client().deleteObject(b -> b.bucket("versioned").key("a/x.csv"));
        assertEquals(1, DELETED.size());
        JsonNode deleted = Json.parseOrNull(DELETED.get(0));
        assertEquals("Object Deleted", deleted.path("detail-type").asText());
        assertEquals("Delete Marker Created", deleted.path("detail").path("deletion-type").asText());
        assertEquals("a/x.csv", deleted.path("detail").path("object").path("key").asText());
        assertTrue(deleted.path("detail").path("object").path("sequencer").asText()
                .compareTo(Json.parseOrNull(CREATED.get(1)).path("detail").path("object").path("sequencer").asText()) > 0);

        assertThrows(NoSuchKeyException.class, () -> s3.client().getObjectAsBytes(b -> b.bucket("versioned").key("a/x.csv")));
        assertEquals("one", s3.client().getObjectAsBytes(b -> b.bucket("versioned").key("a/x.csv").versionId(v1)).asUtf8String());
        assertEquals("two", s3.client().getObjectAsBytes(b -> b.bucket("versioned").key("a/x.csv").versionId(v2)).asUtf8String());

        s3.client().deleteObject(b -> b.bucket("versioned").key("a/x.csv").versionId(v1));
        JsonNode permanent = Json.parseOrNull(DELETED.get(1));
        assertEquals("Permanently Deleted", permanent.path("detail").path("deletion-type").asText());
        assertEquals(v1, permanent.path("detail").path("object").path("version-id").asText());
        assertThrows(S3Exception.class, () -> s3.client().getObjectAsBytes(b -> b.bucket("versioned").key("a/x.csv").versionId(v1)));
    }

    @Test
    void anUnversionedBucketSendsPermanentDeletionsOfExistingKeysOnlyAlsoFromDeleteObjects() {
        s3.createBucket("plain");
        DELETED.clear();
        s3.client().putObject(b -> b.bucket("plain").key("k1"), RequestBody.fromString("x"));
        s3.client().putObject(b -> b.bucket("plain").key("k2"), RequestBody.fromString("x"));
        s3.client().deleteObject(b -> b.bucket("plain").key("missing"));
        assertEquals(List.of(), DELETED);
        s3.client().deleteObjects(b -> b.bucket("plain").delete(d -> d.objects(
                ObjectIdentifier.builder().key("k1").build(), ObjectIdentifier.builder().key("k2").build())));
        assertEquals(2, DELETED.size(), DELETED.toString());
        for (String e : DELETED) {
            JsonNode d = Json.parseOrNull(e);
            assertEquals("Permanently Deleted", d.path("detail").path("deletion-type").asText());
            assertTrue(d.path("detail").path("object").path("version-id").isMissingNode());
            assertNotNull(d.path("detail").path("object").path("sequencer").textValue());
        }
    }
}
