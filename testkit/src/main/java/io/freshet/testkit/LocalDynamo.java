package io.freshet.testkit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.List;

import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * AWS's DynamoDB Local, in this JVM, as an HTTP server on a free loopback port: the functions'
 * own SDK clients talk to it exactly as they talk to DynamoDB (conditional writes, transactions
 * and their cancellation reasons, queries, TTL attributes). In-memory: nothing survives close().
 *
 * <p>Each instance is its own database, so several can run at once. Within one instance every
 * client sees the same tables whatever its credentials and region ({@code -sharedDb}): a function
 * under test that builds its own client with other dummy credentials finds the tables the test
 * created. sqlite4java's native library is loaded by DynamoDB Local itself, from its own jar
 * (extracted to {@code java.io.tmpdir}); no {@code sqlite4java.library.path} is needed. On JDK 24+
 * {@code --enable-native-access=ALL-UNNAMED} silences the JVM's warning about it.
 */
public final class LocalDynamo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDynamo.class);
    private static final int START_ATTEMPTS = 5;

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;

    private LocalDynamo(DynamoDBProxyServer server, int port, List<ExecutionInterceptor> interceptors) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .overrideConfiguration(c -> c.executionInterceptors(interceptors))
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    /**
     * Starts a new, empty DynamoDB Local (about a second). A free port is chosen, and chosen again
     * if another process takes it first.
     */
    public static LocalDynamo start() {
        return start(List.of());
    }

    /**
     * As {@link #start()}, with {@code interceptors} on the owned {@link #client()}: a benchmark
     * counts the store calls (and their capacity units) the functions make through it.
     */
    public static LocalDynamo start(List<ExecutionInterceptor> interceptors) {
        Exception last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = FreshPorts.next();
            DynamoDBProxyServer server = null;
            try {
                // One at a time: DynamoDB Local's setup (native library, logging) has static state.
                synchronized (LocalDynamo.class) {
                    // It prints a configuration banner on stdout and sqlite4java logs at INFO: a
                    // benchmark's or the CLI's output is not the place for either.
                    SqliteLog.quiet();
                    PrintStream stdout = System.out;
                    try {
                        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
                        server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                            "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
                    } finally {
                        System.setOut(stdout);
                    }
                    bindToLoopback(server);
                    server.start();
                }
                return new LocalDynamo(server, port, List.copyOf(interceptors));
            } catch (Exception e) {
                last = e;
                stopQuietly(server);
                LOG.debug("DynamoDB Local did not start on port {} (attempt {})", port, attempt, e);
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start after " + START_ATTEMPTS + " attempts: " + last, last);
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * A client with the URL-connection HTTP client, region eu-central-1 and dummy credentials, as
     * the functions build theirs. Owned by this instance (closed with it): do not close it.
     */
    public DynamoDbClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }

    /**
     * DynamoDB Local's command line has no host option and its Jetty listens on every interface;
     * the test database should not be reachable from the network (nor ask macOS's firewall for
     * permission), so its connector is pointed at 127.0.0.1 before it starts. Should a later
     * DynamoDB Local change the private field this reaches, it listens everywhere, as before.
     */
    private static void bindToLoopback(DynamoDBProxyServer proxy) {
        try {
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            Server jetty = (Server) field.get(proxy);
            for (Connector connector : jetty.getConnectors()) {
                if (connector instanceof AbstractNetworkConnector network) {
                    network.setHost("127.0.0.1");
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("DynamoDB Local listens on every interface: its Jetty server was out of reach", e);
        }
    }

    private static void stopQuietly(DynamoDBProxyServer server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("DynamoDB Local did not stop after a failed start", e);
        }
    }
}
