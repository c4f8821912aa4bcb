package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.freshet.aws.JsonLog;
import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Rule;

/**
 * The custom resource's surroundings for its tests: a local EventBridge for the rules, a local
 * HTTP server standing in for CloudFormation's pre-signed response URL, the metro pipelines in a
 * temporary directory, and helpers that build CloudFormation's requests and check each answer.
 */
abstract class RulesSyncFixture {

    static final String ARN = "arn:aws:lambda:eu-central-1:123456789012:function:freshet-trigger";
    static final String DEAD_LETTERS = "arn:aws:sqs:eu-central-1:123456789012:freshet-TriggerDeadLetters-1AB2C3";
    static final String STACK = "arn:aws:cloudformation:eu-central-1:123456789012:stack/freshet/0b7c5f10";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One PUT to the response URL, as the server saw it. */
    record Answer(String method, String path, List<String> contentType, JsonNode body) {
    }

    static LocalEventBridge eventBridge;
    static EventBridgeClient client;
    static HttpServer responseServer;
    static final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    String bus;
    @TempDir
    Path tmp;
    Path pipelines;
    RulesSyncHandler handler;

    @BeforeAll
    static void start() throws IOException {
        eventBridge = LocalEventBridge.start();
        client = eventBridge.client();
        responseServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        responseServer.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            answers.add(new Answer(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().get("Content-Type"), JSON.readTree(body)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        responseServer.start();
    }

    @AfterAll
    static void stop() {
        responseServer.stop(0);
        eventBridge.close();
    }

    @BeforeEach
    void setUp() {
        bus = "bus-" + UUID.randomUUID();
        answers.clear();
        pipelines = TestPipelines.copyMetro(tmp.resolve("pipelines")); // named as the function packages it
        JsonLog log = new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC(), Map.of("function", "rules-sync"));
        handler = new RulesSyncHandler(client, pipelines, new HttpResponseSender(HttpClient.newHttpClient(), Duration.ofMillis(10)), log);
    }

    @AfterEach
    void noUnexpectedAnswers() {
        assertEquals(List.of(), List.copyOf(answers), "every answer was checked");
    }

    Map<String, Object> request(String type, Map<String, Object> props, Map<String, Object> oldProps, String physicalId) {
        Map<String, Object> event = new HashMap<>();
        event.put("RequestType", type);
        event.put("ServiceToken", "arn:aws:lambda:eu-central-1:123456789012:function:freshet-rules-sync");
        event.put("ResponseURL", "http://127.0.0.1:" + responseServer.getAddress().getPort()
                + "/cloudformation-custom-resource-response-euc1/" + UUID.randomUUID() + "?X-Amz-Signature=abc%3D");
        event.put("StackId", STACK);
        event.put("RequestId", "req-" + UUID.randomUUID());
        event.put("ResourceType", "Custom::FreshetRules");
        event.put("LogicalResourceId", "ConsumerRules");
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.put("ResourceProperties", props);
        if (oldProps != null) {
            event.put("OldResourceProperties", oldProps);
        }
        return event;
    }

    Map<String, Object> props(String busName, String prefix) {
        // CloudFormation passes the ServiceToken among the properties, too.
        return Map.of("ServiceToken", "arn:aws:lambda:eu-central-1:123456789012:function:freshet-rules-sync",
                "BusName", busName, "RulePrefix", prefix, "TriggerFunctionArn", ARN, "DeadLetterQueueArn", DEAD_LETTERS);
    }

    Map<String, Object> propsWithout(String property) {
        Map<String, Object> props = new HashMap<>(props(bus, "freshet"));
        props.remove(property);
        return props;
    }

    /** Runs the handler and returns its single answer, checking what every answer must be. */
    Answer handle(Map<String, Object> event) throws InterruptedException {
        assertEquals(null, handler.handleRequest(event, null));
        Answer answer = answers.poll(10, TimeUnit.SECONDS);
        assertNotNull(answer, "the handler answered the response URL");
        assertEquals("PUT", answer.method());
        assertEquals(List.of(""), answer.contentType(), "an empty Content-Type, as the pre-signed URL was signed");
        assertTrue(answer.path().startsWith("/cloudformation-custom-resource-response-euc1/"), answer.path());
        assertTrue(answer.path().endsWith("?X-Amz-Signature=abc%3D"), "the signature is passed on untouched: " + answer.path());
        JsonNode body = answer.body();
        assertEquals(STACK, body.get("StackId").asText());
        assertEquals(event.get("RequestId"), body.get("RequestId").asText());
        assertEquals("ConsumerRules", body.get("LogicalResourceId").asText());
        assertTrue(body.hasNonNull("PhysicalResourceId"));
        assertTrue(body.hasNonNull("Reason"));
        return answer;
    }

    List<String> ruleNames() {
        return client.listRules(r -> r.eventBusName(bus)).rules().stream().map(Rule::name).sorted().toList();
    }

    List<JsonNode> logLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("a log line that is not JSON: " + line, e);
                }
            }
        }
        return lines;
    }
}
