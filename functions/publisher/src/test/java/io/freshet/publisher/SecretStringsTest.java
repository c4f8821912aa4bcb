package io.freshet.publisher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import io.freshet.aws.json.EventJson;
import io.freshet.aws.pg.PgCredentials;

/**
 * The publisher's GetSecretValue against an HTTP server standing in for Secrets Manager: the
 * request is Secrets Manager's JSON protocol, SigV4-signed for the service and region, and the
 * answer's SecretString resolves a connection as the runner's secret does; an error names the
 * secret and AWS's error type and nothing of the body.
 */
class SecretStringsTest {

    record Seen(String target, String authorization, String body) {
    }

    static String withServer(int status, String answer, List<Seen> seen, String arn) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(new Seen(exchange.getRequestHeaders().getFirst("X-Amz-Target"), exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
        try {
            SecretStrings secrets = new SecretStrings(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "eu-central-1",
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret-key")));
            return secrets.apply(arn);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void getsTheSecretStringWithASignedRequestAndResolvesTheConnection() throws IOException {
        String arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:pg";
        List<Seen> seen = new CopyOnWriteArrayList<>();
        String secret = "{\"reporting\": {\"host\": \"warehouse.internal\", \"port\": 5432, \"dbname\": \"bi\", \"username\": \"loader\","
                + " \"password\": \"p\"}}";
        String value = withServer(200, "{\"ARN\": \"" + arn + "\", \"SecretString\": " + EventJson.MAPPER.getNodeFactory().textNode(secret).toString() + "}", seen, arn);

        assertEquals(secret, value);
        assertEquals(1, seen.size());
        assertEquals("secretsmanager.GetSecretValue", seen.get(0).target());
        assertEquals("{\"SecretId\":\"" + arn + "\"}", seen.get(0).body());
        assertTrue(seen.get(0).authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), seen.get(0).authorization());
        assertTrue(seen.get(0).authorization().contains("/eu-central-1/secretsmanager/aws4_request"), seen.get(0).authorization());
        PgCredentials.Connection c = new PgCredentials(Map.of("FRESHET_PG_SECRET_ARN", arn), a -> value).resolve("reporting");
        assertEquals("jdbc:postgresql://warehouse.internal:5432/bi", c.jdbcUrl());
    }

    @Test
    void anErrorNamesTheSecretAndTheErrorTypeOnly() {
        String arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:none";
        SecretStrings.SecretUnavailableException e = assertThrows(SecretStrings.SecretUnavailableException.class,
                () -> withServer(400, "{\"__type\": \"ResourceNotFoundException\", \"Message\": \"hush\"}", new CopyOnWriteArrayList<>(), arn));
        assertEquals("Secrets Manager did not give the secret " + arn + ": HTTP 400 ResourceNotFoundException", e.getMessage());
        assertFalse(e.getMessage().contains("hush"));
    }


    @Test
    void theEndpointIsTheRegionsUnlessOverriddenAsTheSdksClientsAre() {
        assertEquals(URI.create("https://secretsmanager.eu-central-1.amazonaws.com/"), SecretStrings.endpointOf("eu-central-1", Map.of()));
        assertEquals(URI.create("http://localhost:4566"), SecretStrings.endpointOf("eu-central-1", Map.of("AWS_ENDPOINT_URL", "http://localhost:4566")));
        assertEquals(URI.create("http://sm:1"), SecretStrings.endpointOf("eu-central-1",
                Map.of("AWS_ENDPOINT_URL", "http://localhost:4566", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:1")));
    }
}
