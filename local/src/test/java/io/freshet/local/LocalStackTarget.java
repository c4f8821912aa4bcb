package io.freshet.local;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;

/**
 * The LocalStack {@link LocalStackIT} runs against, chosen in this order:
 * <ol>
 *   <li>{@code FRESHET_LOCALSTACK_ENDPOINT} set: the LocalStack already running there (CI starts
 *       one in host mode with {@code scripts/localstack-host.sh}). It must answer its health check
 *       with the services the story needs; when it does not, the test fails: a set endpoint is a
 *       request to run against it, and a skip would hide that it did not;</li>
 *   <li>else a Docker engine: a LocalStack container through Testcontainers, stopped at the end;</li>
 *   <li>else the test is skipped (a JUnit assumption), saying how to run it.</li>
 * </ol>
 */
sealed interface LocalStackTarget extends AutoCloseable {

    String ENDPOINT_VARIABLE = "FRESHET_LOCALSTACK_ENDPOINT";
    /** What the story uses: the state table, the lake and its notifications, the bus and its rules, the functions' queues. */
    List<String> SERVICES = List.of("s3", "dynamodb", "events", "sqs");
    Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);

    URI endpoint();

    /** Says which LocalStack, for the story's first line. */
    String description();

    @Override
    default void close() {
    }

    /** A LocalStack someone else started and will stop. */
    record External(URI endpoint, String version) implements LocalStackTarget {
        @Override
        public String description() {
            return "LocalStack " + version + " at " + endpoint + " (" + ENDPOINT_VARIABLE + ")";
        }
    }

    /** A LocalStack container this test started, stopped by {@link #close()}. */
    record InDocker(LocalStackContainer container, String image) implements LocalStackTarget {
        @Override
        public URI endpoint() {
            return container.getEndpoint();
        }

        @Override
        public String description() {
            return "LocalStack in Docker (" + image + ")";
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    /**
     * @param environment     where {@code FRESHET_LOCALSTACK_ENDPOINT} and {@code LOCALSTACK_AUTH_TOKEN} are read
     * @param dockerAvailable asked only when no endpoint is set
     * @param image           the container image, when Docker is used
     * @throws IllegalArgumentException if the endpoint is not an http(s) URL
     * @throws IllegalStateException    if nothing healthy answers at the endpoint, or it lacks a service
     * @throws org.opentest4j.TestAbortedException if there is neither an endpoint nor Docker
     */
    static LocalStackTarget choose(Map<String, String> environment, BooleanSupplier dockerAvailable, String image) {
        String endpoint = environment.get(ENDPOINT_VARIABLE);
        if (endpoint != null && !endpoint.isBlank()) {
            return external(endpoint.strip());
        }
        if (dockerAvailable.getAsBoolean()) {
            LocalStackContainer c = new LocalStackContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"))
                    .withServices(SERVICES.toArray(String[]::new));
            String token = environment.get("LOCALSTACK_AUTH_TOKEN");
            if (token != null && !token.isBlank()) {
                c.withEnv("LOCALSTACK_AUTH_TOKEN", token);
            }
            c.start();
            return new InDocker(c, image);
        }
        return Assumptions.abort("LocalStackIT needs a LocalStack: " + ENDPOINT_VARIABLE + " is not set and there is no Docker engine."
                + " Start one without Docker with `scripts/localstack-host.sh start && eval \"$(scripts/localstack-host.sh env)\"`"
                + " (docs/local.md), or run where Docker is.");
    }

    /** The LocalStack at {@code endpoint}, once its health check says it serves every service the story uses. */
    static External external(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENDPOINT_VARIABLE + "='" + endpoint + "' is not a URL: " + e.getMessage(), e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(ENDPOINT_VARIABLE + "='" + endpoint
                    + "' is not an http(s) URL with a host, like http://127.0.0.1:4566");
        }
        URI health = uri.resolve("/_localstack/health");
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build()) {
            response = http.send(HttpRequest.newBuilder(health).timeout(HEALTH_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unhealthy(endpoint, "GET " + health + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unhealthy(endpoint, "interrupted while asking " + health, e);
        }
        if (response.statusCode() != 200) {
            throw unhealthy(endpoint, "GET " + health + " answered HTTP " + response.statusCode(), null);
        }
        JsonNode body;
        try {
            body = EventJson.read(response.body());
        } catch (RuntimeException e) {
            throw unhealthy(endpoint, "GET " + health + " did not answer LocalStack's health document: " + abbreviate(response.body()), e);
        }
        List<String> missing = SERVICES.stream()
                .filter(s -> !List.of("available", "running").contains(body.path("services").path(s).asText()))
                .map(s -> s + " (" + (body.path("services").has(s) ? body.path("services").path(s).asText() : "absent") + ")")
                .toList();
        if (!missing.isEmpty()) {
            throw unhealthy(endpoint, "it does not serve " + String.join(", ", missing) + "; start it with SERVICES="
                    + String.join(",", SERVICES), null);
        }
        return new External(uri, body.path("version").asText("(version unknown)"));
    }

    private static IllegalStateException unhealthy(String endpoint, String why, Throwable cause) {
        return new IllegalStateException(ENDPOINT_VARIABLE + "=" + endpoint + " is set, but no usable LocalStack answers there: " + why
                + ". Start one (scripts/localstack-host.sh start) or unset the variable to use Docker.", cause);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
