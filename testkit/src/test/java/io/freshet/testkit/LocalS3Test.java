package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3Proxy through the real SDK client over HTTP, and the Object Created events it sends. */
class LocalS3Test {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIB = 1024 * 1024;

    private static LocalS3 s3;
    private static S3Client client;
    private static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    private String bucket;

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

    @Test
    void listensOnLoopbackWithPathStyleAddressing() {
        assertEquals("127.0.0.1", s3.endpoint().getHost());
        assertTrue(client.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
    }

    @Test
    void putGetHeadAndListRoundTrip() {
        byte[] data = bytes(10_000, 1);
        PutObjectResponse put = client.putObject(r -> r.bucket(bucket).key("raw/a.csv").contentType("text/csv"), RequestBody.fromBytes(data));
        client.putObject(r -> r.bucket(bucket).key("raw/b.csv"), RequestBody.fromString("b"));
        client.putObject(r -> r.bucket(bucket).key("other/c.csv"), RequestBody.fromString("c"));

        assertArrayEquals(data, client.getObjectAsBytes(r -> r.bucket(bucket).key("raw/a.csv")).asByteArray());
        var head = client.headObject(r -> r.bucket(bucket).key("raw/a.csv"));
        assertEquals(10_000L, head.contentLength());
        assertEquals(put.eTag(), head.eTag());
        assertEquals("text/csv", head.contentType());
        assertEquals(List.of("raw/a.csv", "raw/b.csv"),
                client.listObjectsV2(r -> r.bucket(bucket).prefix("raw/")).contents().stream().map(S3Object::key).toList());
    }

    @Test
    void copyObject() {
        client.putObject(r -> r.bucket(bucket).key("src"), RequestBody.fromString("copied bytes"));
        client.copyObject(r -> r.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket).destinationKey("dst/copy"));
        assertEquals("copied bytes", client.getObjectAsBytes(r -> r.bucket(bucket).key("dst/copy")).asUtf8String());
    }

    @Test
    void multipartUpload() {
        byte[] part1 = bytes(5 * MIB, 2);
        byte[] part2 = bytes(MIB + 17, 3);
        CompleteMultipartUploadResponse done = multipart("big.bin", part1, part2);

        byte[] read = client.getObjectAsBytes(r -> r.bucket(bucket).key("big.bin")).asByteArray();
        assertEquals(part1.length + part2.length, read.length);
        assertArrayEquals(concat(part1, part2), read);
        assertTrue(LocalS3Events.unquote(done.eTag()).endsWith("-2"), "a multipart ETag names its part count: " + done.eTag());
    }

    @Test
    void ifNoneMatchStarRefusesToOverwrite() {
        client.putObject(r -> r.bucket(bucket).key("once").ifNoneMatch("*"), RequestBody.fromString("first"));
        S3Exception e = assertThrows(S3Exception.class,
                () -> client.putObject(r -> r.bucket(bucket).key("once").ifNoneMatch("*"), RequestBody.fromString("second")));
        assertEquals(412, e.statusCode());
        assertEquals("first", client.getObjectAsBytes(r -> r.bucket(bucket).key("once")).asUtf8String());
    }

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
        assertFalse(Instant.parse(time).isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
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
                .metadataDirective("REPLACE").metadata(java.util.Map.of("k", "v")));
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

    @Test
    void twoInstancesAreSeparateStores() {
        try (LocalS3 other = LocalS3.start()) {
            assertNotEquals(s3.endpoint(), other.endpoint());
            other.createBucket("only-in-other");
            assertEquals(List.of("only-in-other"), other.client().listBuckets().buckets().stream().map(b -> b.name()).toList());
            assertFalse(client.listBuckets().buckets().stream().anyMatch(b -> b.name().equals("only-in-other")));
        }
        assertTrue(client.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)), "closing one leaves the other running");
    }

    @Test
    void clientsWithOtherCredentialsAndTheSdkDefaultChecksumsWorkToo() {
        try (S3Client stranger = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create()).region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("someone", "else"))).build()) {
            byte[] data = bytes(300_000, 8);
            stranger.putObject(r -> r.bucket(bucket).key("defaults"), RequestBody.fromBytes(data));
            assertArrayEquals(data, stranger.getObjectAsBytes(r -> r.bucket(bucket).key("defaults")).asByteArray());
            String upload = stranger.createMultipartUpload(r -> r.bucket(bucket).key("defaults-mpu")).uploadId();
            byte[] part1 = bytes(5 * MIB, 9);
            String etag1 = stranger.uploadPart(r -> r.bucket(bucket).key("defaults-mpu").uploadId(upload).partNumber(1), RequestBody.fromBytes(part1)).eTag();
            String etag2 = stranger.uploadPart(r -> r.bucket(bucket).key("defaults-mpu").uploadId(upload).partNumber(2), RequestBody.fromBytes(data)).eTag();
            stranger.completeMultipartUpload(r -> r.bucket(bucket).key("defaults-mpu").uploadId(upload).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(etag1).build(), CompletedPart.builder().partNumber(2).eTag(etag2).build())));
            assertArrayEquals(concat(part1, data), stranger.getObjectAsBytes(r -> r.bucket(bucket).key("defaults-mpu")).asByteArray());
            var deleted = stranger.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(
                    ObjectIdentifier.builder().key("defaults").build(), ObjectIdentifier.builder().key("defaults-mpu").build())));
            assertEquals(2, deleted.deleted().size());
            assertTrue(deleted.errors().isEmpty());
            assertTrue(stranger.listObjectsV2(r -> r.bucket(bucket)).contents().isEmpty());
        }
    }

    /**
     * S3Proxy 4.1 left the end of aws-chunked bodies unread and Jetty then dropped connections at
     * random: the SDK retried writes that had happened. Each write must happen exactly once,
     * whatever the client's checksum settings.
     */
    @Test
    void everyUploadIsWrittenExactlyOnceWhateverTheChecksumSettings() {
        for (RequestChecksumCalculation calculation : RequestChecksumCalculation.values()) {
            try (S3Client c = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                    .httpClient(UrlConnectionHttpClient.create()).region(Region.EU_CENTRAL_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .requestChecksumCalculation(calculation).build()) {
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    c.putObject(r -> r.bucket(bucket).key(calculation + "/" + n), RequestBody.fromString("v" + n));
                }
                String upload = c.createMultipartUpload(r -> r.bucket(bucket).key(calculation + "/mpu")).uploadId();
                for (int part = 1; part <= 3; part++) {
                    int p = part;
                    c.uploadPart(r -> r.bucket(bucket).key(calculation + "/mpu").uploadId(upload).partNumber(p), RequestBody.fromString("part " + p));
                }
                c.abortMultipartUpload(r -> r.bucket(bucket).key(calculation + "/mpu").uploadId(upload));
            }
        }
        List<String> keys = eventsFor(bucket).stream().map(e -> e.get("detail").get("object").get("key").asText()).toList();
        assertEquals(200, keys.size(), "one event per write: no write was retried");
        assertEquals(200, keys.stream().distinct().count());
    }

    /**
     * Errors answered before the body was read (no such bucket) or after it (a failed
     * precondition) reach the client at the first attempt, and the connection stays usable.
     */
    @Test
    void earlyErrorsAreAnsweredAtTheFirstAttempt() {
        client.putObject(r -> r.bucket(bucket).key("taken"), RequestBody.fromString("x"));
        for (int i = 0; i < 30; i++) {
            S3Exception missing = assertThrows(S3Exception.class,
                    () -> client.putObject(r -> r.bucket("no-such-bucket").key("k"), RequestBody.fromBytes(bytes(20_000, 11))));
            // Answered before the body, as S3 does: no 100 Continue, so the URL-connection client
            // sees the status but not the error document (it would against S3 too).
            assertEquals(404, missing.statusCode());
            assertEquals(1, missing.numAttempts(), missing.getMessage());
            S3Exception taken = assertThrows(S3Exception.class,
                    () -> client.putObject(r -> r.bucket(bucket).key("taken").ifNoneMatch("*"), RequestBody.fromBytes(bytes(20_000, 12))));
            assertEquals(412, taken.statusCode());
            assertEquals(1, taken.numAttempts(), taken.getMessage());
        }
    }

    @Test
    void startsQuickly() {
        long t0 = System.nanoTime();
        try (LocalS3 other = LocalS3.start()) {
            other.createBucket("quick");
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 5_000, "S3Proxy starts in well under five seconds");
    }

    private CompleteMultipartUploadResponse multipart(String key, byte[]... parts) {
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

    private static List<JsonNode> eventsFor(String bucket) {
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

    private static JsonNode single(List<JsonNode> events) {
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
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
