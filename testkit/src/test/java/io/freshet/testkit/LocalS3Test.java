package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3Proxy through the real SDK client over HTTP: reads, writes, uploads and errors as S3 answers them. */
class LocalS3Test extends LocalS3Fixture {

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
     * An empty upload carries no {@code Expect: 100-continue} (the SDK asks from one byte) but
     * still sends its aws-chunked framing and trailer, which S3Proxy, storing nothing, never read:
     * Jetty then closed the connection unless those bytes had arrived, and the client, still
     * writing, failed with "Error writing request body to server" (a few in a thousand; now and
     * then all three of the SDK's attempts, as ListingObservationTest's empty object once did).
     * Without retries, every empty upload must succeed at its first attempt, and the connection
     * stay usable for the next.
     */
    @Test
    void emptyUploadsSucceedAtTheFirstAttempt() {
        try (S3Client once = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create()).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            for (int i = 0; i < 1500; i++) {
                int n = i;
                once.putObject(r -> r.bucket(bucket).key("empty/" + n), RequestBody.empty());
                once.putObject(r -> r.bucket(bucket).key("full/" + n), RequestBody.fromString("v" + n));
            }
            assertEquals(0L, once.headObject(r -> r.bucket(bucket).key("empty/1499")).contentLength());
        }
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
}
