package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** The answer to CloudFormation's pre-signed URL: a server error is retried. */
class HttpResponseSenderTest {

    @Test
    void theSenderRetriesAServerError() throws Exception {
        List<Integer> statuses = new ArrayList<>(List.of(503, 200));
        HttpServer flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        flaky.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(statuses.remove(0), -1);
            exchange.close();
        });
        flaky.start();
        try {
            int status = new HttpResponseSender(HttpClient.newHttpClient(), Duration.ofMillis(10))
                    .put(URI.create("http://127.0.0.1:" + flaky.getAddress().getPort() + "/r"), "{}");
            assertEquals(200, status);
            assertEquals(List.of(), statuses);
        } finally {
            flaky.stop(0);
        }
    }
}
