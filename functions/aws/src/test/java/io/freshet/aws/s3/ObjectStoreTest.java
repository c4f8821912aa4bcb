package io.freshet.aws.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** ObjectStore with the real SDK client against S3Proxy (LocalS3), no mocks. */
class ObjectStoreTest {

    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalS3 s3;
    private static S3Client client;
    private static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;
    private String bucket;
    private ObjectStore store;
    /** 8 MiB threshold, 5 MiB parts: a 12 MiB file goes up in three parts (5, 5, 2). */
    private ObjectStore smallParts;

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        s3.onObjectCreated(EVENTS::add);
        client = S3Clients.create(Optional.of(s3.endpoint()));
    }

    @AfterAll
    static void stop() {
        client.close();
        s3.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = "lake-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        store = new ObjectStore(client);
        smallParts = new ObjectStore(client, 8L * MIB, 5L * MIB);
    }

    @Test
    void aSmallFileRoundTripsByteExactInOnePut() throws Exception {
        Path file = file("small.csv", 100_000, 1);
        PutResult put = store.put(bucket, "raw/small.csv", file);

        assertEquals(md5(file), put.etag(), "a single PUT's ETag is the MD5 of its bytes, unquoted");
        assertEquals(100_000, put.size());
        assertEquals(Optional.empty(), put.versionId(), "the bucket is unversioned");
        Path back = dir.resolve("out/small.csv");
        store.get(bucket, "raw/small.csv", back);
        assertEquals(-1, Files.mismatch(file, back));
        assertTrue(store.exists(bucket, "raw/small.csv"));
        assertEquals(List.of("PutObject"), reasons());
    }

    @Test
    void aLargeFileGoesUpInOrderedPartsAndRoundTripsByteExact() throws Exception {
        Path file = file("big.bin", 12 * MIB, 2);
        PutResult put = smallParts.put(bucket, "raw/big.bin", file);

        assertTrue(put.etag().endsWith("-3"), "three parts of 5, 5 and 2 MiB: " + put.etag());
        assertEquals(12L * MIB, put.size());
        Path back = dir.resolve("big.back");
        smallParts.get(bucket, "raw/big.bin", back);
        assertEquals(-1, Files.mismatch(file, back));
        assertEquals(List.of(new S3ObjectSummary("raw/big.bin", 12L * MIB, put.etag())), store.list(bucket, "raw/"));
        assertTrue(client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty());
        assertEquals(List.of("CompleteMultipartUpload"), reasons());
        assertEquals(12L * MIB, lastEvent().get("detail").get("object").get("size").asLong());
    }

    @Test
    void theThresholdDecidesBetweenOnePutAndParts() throws Exception {
        Path atThreshold = file("at", 8 * MIB, 3);
        Path above = file("above", 8 * MIB + 1, 4);
        assertFalse(smallParts.put(bucket, "at", atThreshold).etag().contains("-"), "a file of exactly the threshold goes in one PUT");
        assertTrue(smallParts.put(bucket, "above", above).etag().endsWith("-2"), "one byte more goes in parts");
        assertEquals(List.of("PutObject", "CompleteMultipartUpload"), reasons());
    }

    @Test
    void anEmptyFileIsAnEmptyObject() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertEquals(0, store.put(bucket, "empty", empty).size());
        Path back = dir.resolve("empty.back");
        store.get(bucket, "empty", back);
        assertEquals(0, Files.size(back));
    }

    @Test
    void putReplacesAndGetReplacesTheTarget() throws Exception {
        store.put(bucket, "k", file("v1", 10, 5));
        Path second = file("v2", 20, 6);
        store.put(bucket, "k", second);
        Path target = Files.writeString(dir.resolve("target"), "old content");
        store.get(bucket, "k", target);
        assertEquals(-1, Files.mismatch(second, target));
    }

    @Test
    void putIfAbsentWritesOnceThenDeclines() throws Exception {
        Path first = file("first", 1_000, 7);
        Path second = file("second", 1_000, 8);
        assertTrue(store.putIfAbsent(bucket, "marker", first));
        assertFalse(store.putIfAbsent(bucket, "marker", second));
        Path back = dir.resolve("back");
        store.get(bucket, "marker", back);
        assertEquals(-1, Files.mismatch(first, back), "the first write stands");
        assertEquals(List.of("PutObject"), reasons(), "the declined write sent no event");
    }

    @Test
    void putIfAbsentInPartsDeclinesWithoutLeavingAnUpload() throws Exception {
        Path first = file("first", 9 * MIB, 9);
        Path second = file("second", 9 * MIB, 10);
        assertTrue(smallParts.putIfAbsent(bucket, "big-marker", first));
        assertFalse(smallParts.putIfAbsent(bucket, "big-marker", second));
        Path back = dir.resolve("back");
        store.get(bucket, "big-marker", back);
        assertEquals(-1, Files.mismatch(first, back));
        assertTrue(client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty(), "the losing upload was aborted");
    }

    /** Another writer takes the key while the parts are uploading: S3 refuses the completion (412). */
    @Test
    void putIfAbsentLosesARaceDecidedAtCompletion() throws Exception {
        Path mine = file("mine", 9 * MIB, 11);
        try (S3Client racing = clientWith(new Before(CompleteMultipartUploadRequest.class, r -> true, () ->
                client.putObject(b -> b.bucket(bucket).key("contended"), RequestBody.fromString("the other writer"))))) {
            assertFalse(new ObjectStore(racing, 8L * MIB, 5L * MIB).putIfAbsent(bucket, "contended", mine));
        }
        assertEquals("the other writer", client.getObjectAsBytes(r -> r.bucket(bucket).key("contended")).asUtf8String());
        assertTrue(client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty(), "the losing upload was aborted");
    }

    @Test
    void aMultipartUploadThatFailsMidwayIsAborted() throws Exception {
        Path file = file("big.bin", 12 * MIB, 12);
        // The connection "drops" as the second part is about to go, the first being stored.
        try (S3Client failing = clientWith(new Before(UploadPartRequest.class, r -> ((UploadPartRequest) r).partNumber() == 2, () -> {
            assertEquals(1, client.listMultipartUploads(r -> r.bucket(bucket)).uploads().size(), "the upload is under way");
            throw SdkClientException.create("connection reset (injected)");
        }))) {
            ObjectStoreException e = assertThrows(ObjectStoreException.class,
                    () -> new ObjectStore(failing, 8L * MIB, 5L * MIB).put(bucket, "raw/big.bin", file));
            assertEquals("UploadPart", e.operation());
            assertEquals(bucket, e.bucket());
            assertEquals(Optional.of("raw/big.bin"), e.key());
            assertTrue(e.getMessage().contains("s3://" + bucket + "/raw/big.bin"), e.getMessage());
        }
        assertFalse(store.exists(bucket, "raw/big.bin"), "no object, not even a partial one");
        assertTrue(client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty(), "no dangling upload");
        assertEquals(List.of(), reasons());
    }

    @Test
    void aMultipartUploadWhoseCompletionFailsIsAborted() throws Exception {
        Path file = file("big.bin", 12 * MIB, 13);
        try (S3Client failing = clientWith(new Before(CompleteMultipartUploadRequest.class, r -> true, () -> {
            throw SdkClientException.create("timeout (injected)");
        }))) {
            ObjectStoreException e = assertThrows(ObjectStoreException.class,
                    () -> new ObjectStore(failing, 8L * MIB, 5L * MIB).put(bucket, "raw/big.bin", file));
            assertEquals("CompleteMultipartUpload", e.operation());
        }
        assertFalse(store.exists(bucket, "raw/big.bin"));
        assertTrue(client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty());
    }

    @Test
    void listPaginatesPastAThousandKeysAndDeleteAllBatches() throws Exception {
        List<String> many = IntStream.range(0, 1_234).mapToObj(i -> "many/part-%05d.csv".formatted(i)).toList();
        putAll(many);
        client.putObject(r -> r.bucket(bucket).key("other/keep.csv"), RequestBody.fromString("keep"));

        List<S3ObjectSummary> listed = store.list(bucket, "many/");
        assertEquals(many, listed.stream().map(S3ObjectSummary::key).toList(), "every key, in order, across two pages");
        assertTrue(listed.stream().allMatch(o -> o.size() == o.key().length() && !o.etag().isEmpty() && !o.etag().contains("\"")));
        assertEquals(1_235, store.list(bucket, null).size());
        assertEquals(1_235, store.list(bucket, "").size());

        List<String> toDelete = new ArrayList<>(many);
        toDelete.add("many/never-existed.csv");
        store.deleteAll(bucket, toDelete);
        assertEquals(List.of(), store.list(bucket, "many/"));
        assertEquals(List.of("other/keep.csv"), store.list(bucket, null).stream().map(S3ObjectSummary::key).toList());
        store.deleteAll(bucket, List.of());
    }

    @Test
    void aMissingObjectIsNotFoundAndTheTargetIsLeftAlone() throws Exception {
        Path target = Files.writeString(dir.resolve("target.csv"), "previous");
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.get(bucket, "missing.csv", target));
        assertTrue(e.notFound());
        assertEquals(404, e.statusCode());
        assertEquals("GetObject", e.operation());
        assertEquals(Optional.of("missing.csv"), e.key());
        assertEquals("previous", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "no temporary file left behind");
        }
        assertFalse(store.exists(bucket, "missing.csv"));
    }

    @Test
    void failuresNameOperationBucketAndKey() throws Exception {
        ObjectStoreException put = assertThrows(ObjectStoreException.class, () -> store.put("no-such-bucket", "k", file("f", 10, 14)));
        assertEquals("PutObject", put.operation());
        assertEquals("no-such-bucket", put.bucket());
        assertEquals(404, put.statusCode(), put::getMessage);
        assertTrue(put.getMessage().startsWith("PutObject s3://no-such-bucket/k failed: "), put.getMessage());

        ObjectStoreException list = assertThrows(ObjectStoreException.class, () -> store.list("no-such-bucket", "p/"));
        assertEquals("ListObjectsV2", list.operation());
        ObjectStoreException delete = assertThrows(ObjectStoreException.class, () -> store.deleteAll("no-such-bucket", List.of("a")));
        assertEquals("DeleteObjects", delete.operation());
        assertEquals(Optional.empty(), delete.key());

        ObjectStoreException missingFile = assertThrows(ObjectStoreException.class, () -> store.put(bucket, "k", dir.resolve("absent")));
        assertEquals(0, missingFile.statusCode());
        assertTrue(missingFile.getMessage().contains("absent"));
    }

    @Test
    void partSizesFollowS3sLimits() {
        assertThrows(IllegalArgumentException.class, () -> new ObjectStore(client, 8L * MIB, 4L * MIB));
        assertThrows(IllegalArgumentException.class, () -> new ObjectStore(client, 6L * 1024 * MIB, 16L * MIB));
        assertEquals(16L * MIB, store.effectivePartSize(100L * 1024 * MIB));
        long huge = 400L * 1024 * 1024 * MIB; // 400 TiB would need 25,600 parts of 16 MiB
        long part = store.effectivePartSize(huge);
        assertTrue(part * ObjectStore.MAX_PARTS >= huge && part % MIB == 0, "raised to fit 10,000 parts: " + part);
    }

    // ---------------------------------------------------------------------------------------

    private Path file(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    private static String md5(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    }

    private void putAll(List<String> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (String key : keys) {
                puts.add(pool.submit(() -> client.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(key))));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> reasons() {
        return events().stream().map(e -> e.get("detail").get("reason").asText()).toList();
    }

    private JsonNode lastEvent() {
        List<JsonNode> events = events();
        return events.get(events.size() - 1);
    }

    private List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (String event : EVENTS) {
            try {
                JsonNode e = JSON.readTree(event);
                if (e.get("detail").get("bucket").get("name").asText().equals(bucket)) {
                    out.add(e);
                }
            } catch (IOException ex) {
                throw new AssertionError(ex);
            }
        }
        return out;
    }

    /** A client like S3Clients', with one interceptor: fault injection at a chosen request, nothing mocked. */
    private static S3Client clientWith(ExecutionInterceptor interceptor) {
        return S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                .serviceConfiguration(c -> c.expectContinueThresholdInBytes(S3Clients.EXPECT_CONTINUE_FROM_BYTES))
                .httpClient(UrlConnectionHttpClient.create()).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor))
                .build();
    }

    /** Runs an action before each request of a type that matches (once: later attempts pass). */
    private static final class Before implements ExecutionInterceptor {
        private final Class<? extends SdkRequest> type;
        private final Predicate<SdkRequest> matches;
        private final Runnable action;
        private boolean done;

        Before(Class<? extends SdkRequest> type, Predicate<SdkRequest> matches, Runnable action) {
            this.type = type;
            this.matches = matches;
            this.action = action;
        }

        @Override
        public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (!done && type.isInstance(context.request()) && matches.test(context.request())) {
                done = true;
                action.run();
            }
        }
    }

    @Test
    void bytesSurviveExactly() throws Exception {
        // A part boundary in the middle of a recognisable pattern: every offset must land where it belongs.
        byte[] pattern = new byte[11 * MIB + 3];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + (i >>> 20));
        }
        Path file = Files.write(dir.resolve("pattern"), pattern);
        smallParts.put(bucket, "pattern", file);
        assertArrayEquals(pattern, client.getObjectAsBytes(r -> r.bucket(bucket).key("pattern")).asByteArray());
    }
}
