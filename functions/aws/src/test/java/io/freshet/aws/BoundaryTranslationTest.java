package io.freshet.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.aws.s3.ObjectStoreException;
import io.freshet.state.StoreException;
import io.freshet.state.aws.AwsFailures;
import io.freshet.core.error.FreshetException.Kind;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where AWS failures enter Freshet they become Freshet exceptions of the right kind: what may pass
 * next time (throttling, a 5xx, no answer) transient, any other answer permanent. Real SDK clients
 * against S3Proxy and DynamoDB Local, and against a server that answers as AWS does when it
 * throttles (neither local server does), with the SDK's own retries off so that the first answer
 * is the one translated.
 */
class BoundaryTranslationTest {

    private static LocalS3 s3;
    private static LocalDynamo dynamo;
    private static HttpServer overloaded;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        s3 = LocalS3.start();
        dynamo = LocalDynamo.start();
        overloaded = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        overloaded.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean dynamoRequest = exchange.getRequestHeaders().containsKey("X-amz-target");
            byte[] body = (dynamoRequest
                    ? "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}"
                    : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", dynamoRequest ? "application/x-amz-json-1.0" : "application/xml");
            exchange.sendResponseHeaders(dynamoRequest ? 400 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        overloaded.start();
    }

    @AfterAll
    static void stop() {
        overloaded.stop(0);
        dynamo.close();
        s3.close();
    }

    @Test
    void s3ThrottlingIsTransientAndCarriesItsContext() {
        try (S3Client client = s3(overloadedEndpoint())) {
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> new ObjectStore(client).get("lake", "raw/x.csv", dir.resolve("x")));
            assertEquals(503, e.statusCode());
            assertEquals(Kind.TRANSIENT, e.kind());
            assertEquals(Map.of("operation", "GetObject", "bucket", "lake", "key", "raw/x.csv", "status", "503"), e.context());
        }
    }

    @Test
    void s3WithoutAnAnswerIsTransient() throws IOException {
        try (S3Client client = s3(closedPort())) {
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> new ObjectStore(client).list("lake", "raw/"));
            assertEquals(0, e.statusCode());
            assertEquals(Kind.TRANSIENT, e.kind());
        }
    }

    @Test
    void s3sOtherAnswersArePermanent() {
        try (S3Client client = s3(s3.endpoint())) {
            client.createBucket(b -> b.bucket("translations"));
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> new ObjectStore(client).get("translations", "missing", dir.resolve("m")));
            assertEquals(404, e.statusCode());
            assertEquals(Kind.PERMANENT, e.kind());
        }
    }

    @Test
    void dynamoDbThrottlingIsTransientItsRefusalsPermanent() {
        try (DynamoDbClient throttled = dynamo(overloadedEndpoint())) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> throttled.getItem(b -> b.tableName("t")
                    .key(Map.of("PK", AttributeValue.fromS("x"), "SK", AttributeValue.fromS("y")))));
            assertEquals(Kind.TRANSIENT, new StoreException("reading x", e).kind());
        }
        try (DynamoDbClient local = dynamo(dynamo.endpoint())) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> local.getItem(b -> b.tableName("no_such_table")
                    .key(Map.of("PK", AttributeValue.fromS("x"), "SK", AttributeValue.fromS("y")))));
            assertEquals(Kind.PERMANENT, new StoreException("reading x", e).kind());
        }
        try (DynamoDbClient unreachable = dynamo(closedPortQuietly())) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> unreachable.listTables());
            assertEquals(Kind.TRANSIENT, AwsFailures.kindOf(e));
        }
        assertEquals(Kind.PERMANENT, new StoreException("no run r-1", null).kind(), "state that is not what it must be");
    }

    @Test
    void aFailureFarDownTheChainIsFound() {
        StoreException inner = new StoreException("no run r-1", null);
        assertEquals(Kind.PERMANENT, AwsFailures.kindOf(new RuntimeException("step", inner)));
    }

    private static URI overloadedEndpoint() {
        return URI.create("http://127.0.0.1:" + overloaded.getAddress().getPort());
    }

    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static URI closedPortQuietly() {
        try {
            return closedPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static S3Client s3(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private static DynamoDbClient dynamo(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }
}
