package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import com.sun.net.httpserver.HttpServer;

/**
 * How LocalStackIT picks its LocalStack: an endpoint that is set is used or fails the test, never
 * skips it (CI relies on that: a skipped story would pass CI without LocalStack ever being asked);
 * Docker only without an endpoint; a skip that says how to run it when neither is there.
 */
class LocalStackTargetTest {

    static final String IMAGE = "localstack/localstack:4.14.0";

    /** LocalStack's health document, as the host-mode LocalStack of scripts/localstack-host.sh answers it. */
    static final String HEALTHY = """
            {"services": {"dynamodb": "running", "events": "available", "s3": "available", "sqs": "available",
             "sts": "available", "lambda": "disabled"}, "edition": "unknown", "version": "2026.3.0"}""";

    @Test
    void anEndpointThatIsSetButDoesNotAnswerFailsInsteadOfSkipping() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closed;
        DockerProbe docker = new DockerProbe(true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalStackTarget.choose(Map.of("FRESHET_LOCALSTACK_ENDPOINT", endpoint), docker, IMAGE));
        assertTrue(e.getMessage().startsWith("FRESHET_LOCALSTACK_ENDPOINT=" + endpoint + " is set, but no usable LocalStack answers there"),
                e.getMessage());
        assertTrue(e.getMessage().contains("scripts/localstack-host.sh start"), e.getMessage());
        assertTrue(!docker.asked.get(), "a set endpoint never falls back to Docker");
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsRejectedWithTheVariable() {
        for (String bad : new String[] {"127.0.0.1:4566", "localhost", "ftp://localhost:4566", "http://exa mple"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LocalStackTarget.choose(Map.of("FRESHET_LOCALSTACK_ENDPOINT", bad), new DockerProbe(true), IMAGE), bad);
            assertTrue(e.getMessage().startsWith("FRESHET_LOCALSTACK_ENDPOINT='" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void aLocalStackWithoutAServiceTheStoryNeedsIsNamedWithWhatIsMissing() throws IOException {
        String noQueues = HEALTHY.replace("\"sqs\": \"available\"", "\"sqs\": \"disabled\"").replace("\"s3\": \"available\", ", "");
        try (HealthServer server = new HealthServer(200, noQueues)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> LocalStackTarget.choose(Map.of("FRESHET_LOCALSTACK_ENDPOINT", server.endpoint()), new DockerProbe(false), IMAGE));
            assertTrue(e.getMessage().contains("it does not serve s3 (absent), sqs (disabled); start it with SERVICES=s3,dynamodb,events,sqs"),
                    e.getMessage());
        }
        try (HealthServer server = new HealthServer(404, "not found")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> LocalStackTarget.choose(Map.of("FRESHET_LOCALSTACK_ENDPOINT", server.endpoint()), new DockerProbe(false), IMAGE));
            assertTrue(e.getMessage().contains("/_localstack/health answered HTTP 404"), e.getMessage());
        }
    }

    @Test
    void aHealthyEndpointIsUsedWithoutAskingForDocker() throws IOException {
        try (HealthServer server = new HealthServer(200, HEALTHY)) {
            DockerProbe docker = new DockerProbe(true);
            LocalStackTarget target = LocalStackTarget.choose(Map.of("FRESHET_LOCALSTACK_ENDPOINT", " " + server.endpoint() + " "), docker, IMAGE);
            LocalStackTarget.External external = assertInstanceOf(LocalStackTarget.External.class, target);
            assertEquals(server.endpoint(), external.endpoint().toString());
            assertEquals("LocalStack 2026.3.0 at " + server.endpoint() + " (FRESHET_LOCALSTACK_ENDPOINT)", external.description());
            assertTrue(!docker.asked.get());
        }
    }

    @Test
    void withNeitherAnEndpointNorDockerTheTestIsSkippedSayingHowToRunIt() {
        DockerProbe docker = new DockerProbe(false);
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> LocalStackTarget.choose(Map.of("FRESHET_LOCALSTACK_ENDPOINT", "  "), docker, IMAGE));
        assertTrue(docker.asked.get());
        assertTrue(e.getMessage().contains("FRESHET_LOCALSTACK_ENDPOINT is not set and there is no Docker engine"), e.getMessage());
        assertTrue(e.getMessage().contains("scripts/localstack-host.sh start"), e.getMessage());
    }

    /** Whether there is a Docker engine, as the test says, remembering whether it was asked. */
    private static final class DockerProbe implements BooleanSupplier {
        final boolean available;
        final AtomicBoolean asked = new AtomicBoolean();

        DockerProbe(boolean available) {
            this.available = available;
        }

        @Override
        public boolean getAsBoolean() {
            asked.set(true);
            return available;
        }
    }

    /** An HTTP server answering LocalStack's health path with a given status and body. */
    private static final class HealthServer implements AutoCloseable {
        final HttpServer server;

        HealthServer(int status, String body) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/_localstack/health", exchange -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
