package io.freshet.cli.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The live page: rendered anew on each GET /, on the loopback interface only. */
class PageServerTest {

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> send(URI uri, String method) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachGetRendersThePageAgain() throws Exception {
        AtomicInteger renders = new AtomicInteger();
        try (PageServer server = PageServer.start(0, () -> "<!DOCTYPE html><p>render " + renders.incrementAndGet() + "</p>")) {
            assertTrue(server.port() > 0);
            assertEquals("127.0.0.1", server.uri().getHost());
            HttpResponse<String> first = send(server.uri(), "GET");
            HttpResponse<String> second = send(server.uri(), "GET");
            assertEquals(200, first.statusCode());
            assertEquals("text/html; charset=utf-8", first.headers().firstValue("Content-Type").orElse(""));
            assertEquals("no-store", first.headers().firstValue("Cache-Control").orElse(""));
            assertEquals("<!DOCTYPE html><p>render 1</p>", first.body());
            assertEquals("<!DOCTYPE html><p>render 2</p>", second.body(), "a reload shows the current state");
            assertEquals(404, send(server.uri().resolve("/favicon.ico"), "GET").statusCode());
            assertEquals(405, send(server.uri(), "POST").statusCode());
            assertEquals(2, renders.get(), "only GET / renders");
        }
    }

    @Test
    void aPageThatCannotBeRenderedIsAServerErrorThatSaysWhy() throws Exception {
        try (PageServer server = PageServer.start(0, () -> {
            throw new IllegalStateException("the stack is still starting");
        })) {
            HttpResponse<String> r = send(server.uri(), "GET");
            assertEquals(500, r.statusCode());
            assertTrue(r.body().contains("the stack is still starting"), r.body());
        }
    }

    @Test
    void stopFreesThePortAndABusyPortIsReported() throws Exception {
        PageServer server = PageServer.start(0, () -> "x");
        URI uri = server.uri();
        assertThrows(IOException.class, () -> PageServer.start(server.port(), () -> "y").stop(), "the port is taken");
        server.stop();
        assertThrows(IOException.class, () -> send(uri, "GET"));
    }
}
