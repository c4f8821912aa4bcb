package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The Object Created events LocalS3 sends, shaped, encoded and ordered as S3 sends them. */
class LocalS3EventsTest extends LocalS3Fixture {

    @Test
    void aPutSendsAnObjectCreatedEventShapedAsS3Does() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        PutObjectResponse put = client.putObject(r -> r.bucket(bucket).key("landing/taps/date=2026-05-26/part 1.csv"),
                RequestBody.fromString("hello"));

        JsonNode e = single(eventsFor(bucket));
        assertEquals("0", e.get("version").asText());
        UUID.fromString(e.get("id").asText());
        assertEquals("Object Created", e.get("detail-type").asText());
        assertEquals("aws.s3", e.get("source").asText());
        assertEquals("000000000000", e.get("account").asText());
        String time = e.get("time").asText();
        assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), time);
        assertFalse(Instant.parse(time).isBefore(before.truncatedTo(ChronoUnit.SECONDS)));
        assertFalse(Instant.parse(time).isAfter(Instant.now()));
        assertEquals("eu-central-1", e.get("region").asText());
        assertEquals(List.of("arn:aws:s3:::" + bucket), texts(e.get("resources")));

        JsonNode d = e.get("detail");
        assertEquals("0", d.get("version").asText());
        assertEquals(bucket, d.get("bucket").get("name").asText());
        JsonNode o = d.get("object");
        assertEquals("landing/taps/date%3D2026-05-26/part+1.csv", o.get("key").asText());
        assertEquals(5, o.get("size").asLong());
        assertTrue(o.get("size").isIntegralNumber());
        assertEquals(put.eTag().replace("\"", ""), o.get("etag").asText());
        assertFalse(o.get("etag").asText().contains("\""));
        assertTrue(o.get("sequencer").asText().matches("[0-9A-F]{18}"), o.get("sequencer").asText());
        assertFalse(o.has("version-id"), "an unversioned bucket's events carry no version id");
        assertTrue(d.get("request-id").asText().matches("[0-9A-Z]{16}"));
        assertEquals("000000000000", d.get("requester").asText());
        assertEquals("PutObject", d.get("reason").asText());
    }

    @Test
    void copyAndCompletedMultipartSendTheirEvents() throws Exception {
        client.putObject(r -> r.bucket(bucket).key("src.csv"), RequestBody.fromString("0123456789"));
        CopyObjectResponse copy = client.copyObject(r -> r.sourceBucket(bucket).sourceKey("src.csv").destinationBucket(bucket).destinationKey("copy.csv"));
        byte[] part1 = bytes(5 * MIB, 4);
        byte[] part2 = bytes(100, 5);
        CompleteMultipartUploadResponse done = multipart("multi.bin", part1, part2);

        List<JsonNode> events = eventsFor(bucket);
        assertEquals(List.of("PutObject", "CopyObject", "CompleteMultipartUpload"),
                events.stream().map(e -> e.get("detail").get("reason").asText()).toList());
        JsonNode copied = events.get(1).get("detail").get("object");
        assertEquals("copy.csv", copied.get("key").asText());
        assertEquals(10, copied.get("size").asLong());
        assertEquals(copy.copyObjectResult().eTag().replace("\"", ""), copied.get("etag").asText());
        JsonNode multi = events.get(2).get("detail").get("object");
        assertEquals("multi.bin", multi.get("key").asText());
        assertEquals(part1.length + part2.length, multi.get("size").asLong());
        assertEquals(done.eTag().replace("\"", ""), multi.get("etag").asText());
    }

    @Test
    void failedAbortedAndRefusedWritesSendNothing() {
        // A completion naming a part that was never uploaded fails.
        String failing = client.createMultipartUpload(r -> r.bucket(bucket).key("failed.bin")).uploadId();
        client.uploadPart(r -> r.bucket(bucket).key("failed.bin").uploadId(failing).partNumber(1), RequestBody.fromBytes(bytes(100, 6)));
        assertThrows(S3Exception.class, () -> client.completeMultipartUpload(r -> r.bucket(bucket).key("failed.bin").uploadId(failing)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag("\"0123456789abcdef0123456789abcdef\"").build()))));
        client.abortMultipartUpload(r -> r.bucket(bucket).key("failed.bin").uploadId(failing));
        // An upload that is aborted.
        String aborted = client.createMultipartUpload(r -> r.bucket(bucket).key("aborted.bin")).uploadId();
        client.uploadPart(r -> r.bucket(bucket).key("aborted.bin").uploadId(aborted).partNumber(1), RequestBody.fromBytes(bytes(100, 7)));
        client.abortMultipartUpload(r -> r.bucket(bucket).key("aborted.bin").uploadId(aborted));
        // A conditional put that loses, and a copy of a missing source.
        client.putObject(r -> r.bucket(bucket).key("exists"), RequestBody.fromString("x"));
        assertThrows(S3Exception.class, () -> client.putObject(r -> r.bucket(bucket).key("exists").ifNoneMatch("*"), RequestBody.fromString("y")));
        assertThrows(S3Exception.class, () -> client.copyObject(r -> r.sourceBucket(bucket).sourceKey("missing").destinationBucket(bucket).destinationKey("nowhere")));

        assertEquals(List.of("exists"), eventsFor(bucket).stream().map(e -> e.get("detail").get("object").get("key").asText()).toList(),
                "only the one successful write is announced");
        assertTrue(client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty());
        assertTrue(client.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList().equals(List.of("exists")));
    }

    @Test
    void keysAreUrlEncodedAsS3DoesAndDecodeBack() {
        List<String> keys = List.of(
                "with space/file name.csv",
                "plus+sign/a+b.csv",
                "hive/date=2026-05-26/hour=07/x.parquet",
                "unicode/Příliš žluťoučký kůň/日本語 €.txt",
                "mixed/a b+c=d%e&f?g#h:i,j;k@l$m(n)o!p'q*r~s.csv");
        for (String key : keys) {
            client.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(key));
        }
        List<String> encoded = eventsFor(bucket).stream().map(e -> e.get("detail").get("object").get("key").asText()).toList();
        assertEquals(keys, encoded.stream().map(k -> URLDecoder.decode(k, StandardCharsets.UTF_8)).toList());
        assertEquals("with+space/file+name.csv", encoded.get(0));
        assertEquals("plus%2Bsign/a%2Bb.csv", encoded.get(1));
        assertEquals("hive/date%3D2026-05-26/hour%3D07/x.parquet", encoded.get(2));
        assertTrue(encoded.get(3).startsWith("unicode/P%C5%99%C3%ADli%C5%A1+"), encoded.get(3));
        assertTrue(encoded.get(3).matches("[A-Za-z0-9%+/._-]+"), "only ASCII, slashes kept: " + encoded.get(3));
        for (String key : keys) {
            assertEquals(key, client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String(), "the object itself is under its real key");
        }
    }

    @Test
    void sequencersIncreaseWithEachWriteOfAKey() {
        for (int i = 0; i < 20; i++) {
            int n = i;
            client.putObject(r -> r.bucket(bucket).key("same"), RequestBody.fromString("v" + n));
        }
        client.copyObject(r -> r.sourceBucket(bucket).sourceKey("same").destinationBucket(bucket).destinationKey("same")
                .metadataDirective("REPLACE").metadata(Map.of("k", "v")));
        List<String> sequencers = eventsFor(bucket).stream().map(e -> e.get("detail").get("object").get("sequencer").asText()).toList();
        assertEquals(21, sequencers.size());
        for (int i = 1; i < sequencers.size(); i++) {
            assertTrue(sequencers.get(i - 1).compareTo(sequencers.get(i)) < 0, sequencers.get(i - 1) + " < " + sequencers.get(i));
        }
    }

    @Test
    void underConcurrentWritesTheHighestSequencerIsTheObjectThatRemains() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                byte[] body = bytes(2_000 + i, 100 + i);
                writes.add(pool.submit(() -> client.putObject(r -> r.bucket(bucket).key("contended"), RequestBody.fromBytes(body))));
            }
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<JsonNode> events = eventsFor(bucket);
        assertEquals(64, events.size());
        assertEquals(64, events.stream().map(e -> e.get("detail").get("object").get("sequencer").asText()).distinct().count());
        JsonNode last = events.stream().max(Comparator.comparing(e -> e.get("detail").get("object").get("sequencer").asText())).orElseThrow();
        var head = client.headObject(r -> r.bucket(bucket).key("contended"));
        assertEquals(head.eTag().replace("\"", ""), last.get("detail").get("object").get("etag").asText());
        assertEquals(head.contentLength(), last.get("detail").get("object").get("size").asLong());
    }

    @Test
    void aListenerThatThrowsDoesNotFailTheWrite() {
        try (LocalS3 other = LocalS3.start()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            other.onObjectCreated(e -> {
                throw new IllegalStateException("listener bug");
            });
            other.onObjectCreated(seen::add);
            other.createBucket("bucket-1");
            other.client().putObject(r -> r.bucket("bucket-1").key("k"), RequestBody.fromString("v"));
            assertEquals("v", other.client().getObjectAsBytes(r -> r.bucket("bucket-1").key("k")).asUtf8String());
            assertEquals(1, seen.size(), "the next listener still hears of it");
        }
    }
}
