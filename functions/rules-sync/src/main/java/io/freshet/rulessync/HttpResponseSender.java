package io.freshet.rulessync;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * PUTs the answer with {@link HttpClient}. The Content-Type is empty because the URL is an S3
 * pre-signed URL signed without one: any other value fails the signature. An answer that never
 * arrives leaves the stack waiting for an hour, so failed attempts (I/O errors, 5xx) are retried.
 */
public final class HttpResponseSender implements ResponseSender {

    private static final int ATTEMPTS = 3;

    private final HttpClient http;
    private final Duration backoff;

    public HttpResponseSender(HttpClient http, Duration backoff) {
        this.http = http;
        this.backoff = backoff;
    }

    public static HttpResponseSender create() {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // S3 speaks HTTP/1.1; skip the h2 negotiation
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        return new HttpResponseSender(http, Duration.ofSeconds(1));
    }

    @Override
    public int put(URI url, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build();
        IOException lastError = null;
        int status = -1;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                Thread.sleep(backoff.multipliedBy(1L << (attempt - 2)));
            }
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 500) {
                    return status;
                }
                lastError = null;
            } catch (IOException e) {
                lastError = e;
            }
        }
        if (lastError != null) {
            throw lastError;
        }
        return status;
    }
}
