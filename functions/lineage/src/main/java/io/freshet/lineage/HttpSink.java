package io.freshet.lineage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts each event to an OpenLineage HTTP endpoint (Marquez: {@code http://host:5000}, events go
 * to {@code /api/v1/lineage}); a full URL ending in a path is used as it is.
 */
public final class HttpSink implements RunLineage.Sink {

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpSink(URI url) {
        String path = url.getPath();
        this.endpoint = path == null || path.isEmpty() || path.equals("/") ? url.resolve("/api/v1/lineage") : url;
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void emit(String json) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("OpenLineage endpoint " + endpoint + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("OpenLineage endpoint " + endpoint + " unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + endpoint, e);
        }
    }
}
