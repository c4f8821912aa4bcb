package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A running {@link LocalS3} for the tests of it: one server per test class, its Object Created
 * events collected, a fresh bucket per test, and helpers to write and read.
 */
abstract class LocalS3Fixture {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MIB = 1024 * 1024;

    static LocalS3 s3;
    static S3Client client;
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    String bucket;

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        client = s3.client();
        s3.onObjectCreated(EVENTS::add);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = "lake-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
    }

    CompleteMultipartUploadResponse multipart(String key, byte[]... parts) {
        String upload = client.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> completed = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            int number = i + 1;
            byte[] part = parts[i];
            String etag = client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload).partNumber(number), RequestBody.fromBytes(part)).eTag();
            completed.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        return client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload).multipartUpload(m -> m.parts(completed)));
    }

    static List<JsonNode> eventsFor(String bucket) {
        List<JsonNode> out = new ArrayList<>();
        for (String event : EVENTS) {
            try {
                JsonNode e = JSON.readTree(event);
                if (e.get("detail").get("bucket").get("name").asText().equals(bucket)) {
                    out.add(e);
                }
            } catch (Exception ex) {
                throw new AssertionError("an event is not JSON: " + event, ex);
            }
        }
        return out;
    }

    static JsonNode single(List<JsonNode> events) {
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = IntStream.range(0, parts.length).map(i -> parts[i].length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
