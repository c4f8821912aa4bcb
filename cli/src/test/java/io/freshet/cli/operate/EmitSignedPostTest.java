package io.freshet.cli.operate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.freshet.aws.json.EventJson;
import io.freshet.cli.FreshetCli;

/**
 * {@code freshet emit --url}: the announcement as a SigV4-signed POST (service lambda), as a
 * function URL with AuthType AWS_IAM admits it, against an HTTP server that answers as the emit
 * function does; the command prints the answer and exits by it.
 */
class EmitSignedPostTest {

    @TempDir
    Path tmp;
    private HttpServer server;
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), String.join(",", v)));
            seen.put("method", exchange.getRequestMethod());
            seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = (status.get() == 200 ? "{\"events\":[{\"eventId\":\"s3-1\",\"recorded\":true}]}"
                    : "{\"error\":\"arn:aws:iam::123456789012:user/me is not among the allowed_producers of 'landing.sales'\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        Files.writeString(tmp.resolve("sources.yaml"), """
                sources:
                  landing.sales:
                    s3: s3://${LakeBucket}/landing/sales/date={date}/
                    allowed_producers: [arn:aws:iam::123456789012:role/sales-export]
                """);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private List<Object> emit() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FreshetCli.run(new String[] {"emit", "landing.sales", "--partition", "2026-11-20",
            "--object", "s3://lake/landing/sales/date=2026-11-20/a.csv", "--metadata", "rows=3",
            "--url", "http://127.0.0.1:" + server.getAddress().getPort() + "/", "--region", "eu-central-1",
            "--pipelines", tmp.toString()}, new PrintWriter(out), new PrintWriter(err), Clock.systemUTC());
        return List.of(code, out.toString(), err.toString());
    }

    @Test
    void theAnnouncementIsPostedSignedForLambdaAndTheAnswerPrinted() {
        List<Object> r = emit();
        assertEquals(0, r.get(0), r.toString());
        assertTrue(r.get(1).toString().contains("\"recorded\":true"), r.toString());
        assertEquals("POST", seen.get("method"));
        assertTrue(Pattern.matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-central-1/lambda/aws4_request, "
                + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}", seen.get("authorization")), seen.get("authorization"));
        assertTrue(seen.containsKey("x-amz-date"), seen.toString());
        JsonNode body = EventJson.read(seen.get("body"));
        assertEquals("landing.sales", body.path("asset").asText());
        assertEquals("2026-11-20", body.path("partition").asText());
        assertEquals("s3://lake/landing/sales/date=2026-11-20/a.csv", body.path("objects").path(0).asText());
        assertEquals("3", body.path("metadata").path("rows").asText());
    }

    @Test
    void aRefusalIsPrintedWithItsStatusAndExits2() {
        status.set(403);
        List<Object> r = emit();
        assertEquals(2, r.get(0), r.toString());
        assertTrue(r.get(2).toString().contains("refused (HTTP 403): {\"error\":\"arn:aws:iam::123456789012:user/me is not among"), r.toString());
    }
}
