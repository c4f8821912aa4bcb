package io.freshet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * An EventBridge in this JVM for tests and the local stack: an HTTP server on a free loopback port
 * that speaks EventBridge's AWS JSON 1.1 protocol, so the real SDK {@link EventBridgeClient} (with
 * {@code endpointOverride}) talks to it as to AWS.
 *
 * <p>Operations: PutEvents, PutRule, DescribeRule, ListRules, DeleteRule, PutTargets,
 * RemoveTargets, ListTargetsByRule, CreateEventBus, DescribeEventBus. Patterns are matched by AWS
 * Event Ruler; PutEvents checks AWS's limits and answers per entry; targets receive the envelope or
 * their transformed input (see {@code InputTransformer}) through handlers registered with
 * {@link #registerTarget}, with retries and dead letters. Account {@value Names#ACCOUNT}, region
 * {@value Names#REGION}; buses need not be created.
 *
 * <p>Thread-safe. Deliveries are asynchronous by default; {@link #awaitQuiescence} waits for them.
 */
public final class LocalEventBridge implements AutoCloseable {

    /** How matched events reach their targets' handlers. */
    public enum Delivery {
        /** On a thread pool after PutEvents has answered, concurrently, as AWS delivers. */
        ASYNCHRONOUS,
        /** Inline, before PutEvents answers: simple tests need no {@link #awaitQuiescence}. */
        SYNCHRONOUS
    }

    private final HttpServer server;
    private final ExecutorService serverThreads;
    private final Deliveries deliveries;
    private final EventIngestion ingestion;
    private final URI endpoint;
    private final EventBridgeClient client;

    private LocalEventBridge(HttpServer server, ExecutorService serverThreads, Deliveries deliveries, EventIngestion ingestion) {
        this.server = server;
        this.serverThreads = serverThreads;
        this.deliveries = deliveries;
        this.ingestion = ingestion;
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        this.client = EventBridgeClient.builder()
                .endpointOverride(endpoint)
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(Names.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    /** Starts a bus with asynchronous delivery. */
    public static LocalEventBridge start() {
        return start(Delivery.ASYNCHRONOUS);
    }

    public static LocalEventBridge start(Delivery delivery) {
        return start(delivery, Clock.systemUTC());
    }

    /** A bus that stamps events with {@code clock}'s time, as AWS stamps them with its own (tests move it). */
    public static LocalEventBridge start(Delivery delivery, Clock clock) {
        Deliveries deliveries = new Deliveries(delivery == Delivery.SYNCHRONOUS);
        RuleRegistry registry = new RuleRegistry();
        EventIngestion ingestion = new EventIngestion(registry, deliveries, clock);
        AwsJsonProtocol protocol = new AwsJsonProtocol("AWSEvents.", new EventBridgeApi(registry, ingestion).operations());
        ExecutorService serverThreads = Executors.newCachedThreadPool(Deliveries.daemonThreads("local-eventbridge-http-"));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", protocol);
            server.setExecutor(serverThreads);
            server.start();
            return new LocalEventBridge(server, serverThreads, deliveries, ingestion);
        } catch (IOException e) {
            serverThreads.shutdownNow();
            deliveries.close();
            throw new UncheckedIOException("the local EventBridge did not start", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, for {@code endpointOverride}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * A client of this bus: URL-connection HTTP client, region {@value Names#REGION}, dummy
     * credentials. Owned by this instance (closed with it): do not close it.
     */
    public EventBridgeClient client() {
        return client;
    }

    /**
     * Deliveries to targets whose Arn is {@code arn} call {@code handler} with the target's input
     * (the envelope, or what its Input, InputPath or InputTransformer makes of it). A handler that
     * throws fails the delivery, which is retried. Replaces an earlier handler of the same ARN.
     */
    public void registerTarget(String arn, Consumer<String> handler) {
        deliveries.register(arn, handler);
    }

    /**
     * The next {@code n} entries that PutEvents would accept fail instead with {@code errorCode}
     * (e.g. {@code ThrottlingException}, {@code InternalFailure}), as partial failures do in AWS.
     */
    public void failNextEntries(int n, String errorCode) {
        ingestion.failNextEntries(n, errorCode);
    }

    /** Every event accepted on {@code bus} (name or ARN), as its envelope JSON, oldest first. */
    public List<String> events(String bus) {
        return ingestion.events(bus);
    }

    /**
     * What was sent to dead-letter {@code dlqArn}: per delivery that ran out of retries, a JSON
     * object {@code {"input", "error", "ruleArn", "targetId", "targetArn", "attempts"}}.
     */
    public List<String> deadLetters(String dlqArn) {
        return deliveries.deadLetters(dlqArn);
    }

    /** Failed deliveries of targets without a DeadLetterConfig, shaped as {@link #deadLetters}. */
    public List<String> undelivered() {
        return deliveries.undelivered();
    }

    /**
     * Blocks until no delivery is pending or running, including those of events published by
     * handlers meanwhile. Do not call it from a handler (it would wait for itself).
     *
     * @throws IllegalStateException when deliveries are still going after {@code timeout}
     */
    public void awaitQuiescence(Duration timeout) {
        deliveries.awaitQuiescence(timeout);
    }

    @Override
    public void close() {
        client.close();
        server.stop(0);
        serverThreads.shutdownNow();
        deliveries.close();
    }
}
