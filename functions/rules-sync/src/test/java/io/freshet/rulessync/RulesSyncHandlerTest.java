package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.freshet.aws.JsonLog;
import io.freshet.aws.events.EventBridgeClients;
import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * The custom resource end to end: CloudFormation's requests in, rules on a local EventBridge, and
 * the answers PUT to a local HTTP server standing in for the pre-signed response URL.
 */
class RulesSyncHandlerTest {

    private static final String ARN = "arn:aws:lambda:eu-central-1:123456789012:function:freshet-trigger";
    private static final String DEAD_LETTERS = "arn:aws:sqs:eu-central-1:123456789012:freshet-TriggerDeadLetters-1AB2C3";
    private static final String STACK = "arn:aws:cloudformation:eu-central-1:123456789012:stack/freshet/0b7c5f10";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One PUT to the response URL, as the server saw it. */
    record Answer(String method, String path, List<String> contentType, JsonNode body) {
    }

    private static LocalEventBridge eventBridge;
    private static EventBridgeClient client;
    private static HttpServer responseServer;
    private static final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private String bus;
    @TempDir
    Path tmp;
    private Path pipelines;
    private RulesSyncHandler handler;

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

    private Map<String, Object> request(String type, Map<String, Object> props, Map<String, Object> oldProps, String physicalId) {
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

    private Map<String, Object> props(String busName, String prefix) {
        // CloudFormation passes the ServiceToken among the properties, too.
        return Map.of("ServiceToken", "arn:aws:lambda:eu-central-1:123456789012:function:freshet-rules-sync",
                "BusName", busName, "RulePrefix", prefix, "TriggerFunctionArn", ARN, "DeadLetterQueueArn", DEAD_LETTERS);
    }

    private Map<String, Object> propsWithout(String property) {
        Map<String, Object> props = new HashMap<>(props(bus, "freshet"));
        props.remove(property);
        return props;
    }

    /** Runs the handler and returns its single answer, checking what every answer must be. */
    private Answer handle(Map<String, Object> event) throws InterruptedException {
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

    private List<String> ruleNames() {
        return client.listRules(r -> r.eventBusName(bus)).rules().stream().map(Rule::name).sorted().toList();
    }

    private List<JsonNode> logLines() {
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

    @Test
    void createSyncsTheRulesAndAnswersSuccess() throws Exception {
        JsonNode body = handle(request("Create", props(bus, "freshet"), null, null)).body();
        assertEquals("SUCCESS", body.get("Status").asText());
        assertEquals("freshet-rules-" + bus + "-freshet", body.get("PhysicalResourceId").asText());
        assertEquals(4, body.get("Data").get("Created").asInt());
        assertEquals(0, body.get("Data").get("Updated").asInt());
        assertEquals(0, body.get("Data").get("Deleted").asInt());
        assertEquals(List.of("freshet-core_network", "freshet-core_trips", "freshet-daily_ridership", "freshet-metro_snapshot"), ruleNames());

        JsonNode synced = logLines().stream().filter(l -> l.get("message").asText().equals("rules synced")).findFirst().orElseThrow();
        assertEquals("INFO", synced.get("level").asText());
        assertEquals("Create", synced.get("requestType").asText());
        assertEquals(4, synced.get("created").asInt());
        assertEquals(0, synced.get("updated").asInt());
        assertEquals(0, synced.get("deleted").asInt());
    }

    @Test
    void everyRuleRetriesAndSendsWhatItCannotDeliverToTheDeadLetterQueue() throws Exception {
        assertEquals("SUCCESS", handle(request("Create", props(bus, "freshet"), null, null)).body().get("Status").asText());
        for (String rule : ruleNames()) {
            Target target = client.listTargetsByRule(r -> r.eventBusName(bus).rule(rule)).targets().get(0);
            assertEquals(DEAD_LETTERS, target.deadLetterConfig().arn(), rule);
            assertEquals(8, target.retryPolicy().maximumRetryAttempts(), rule);
            assertEquals(86_400, target.retryPolicy().maximumEventAgeInSeconds(), rule);
        }
    }

    @Test
    void rulesOfAnOlderDeploymentWithoutDeadLettersAreUpdated() throws Exception {
        // what an older rules-sync left: the same rules, targets without retries or dead letters
        new RulesReconciler(client, bus, "freshet").reconcile(ConsumerRules.compute(TestPipelines.load(pipelines), "freshet", ARN,
                new DesiredRule.Delivery(185, 86_400, Optional.empty())));
        String physicalId = "freshet-rules-" + bus + "-freshet";
        JsonNode body = handle(request("Update", props(bus, "freshet"), props(bus, "freshet"), physicalId)).body();
        assertEquals("SUCCESS", body.get("Status").asText());
        assertEquals(4, body.get("Data").get("Updated").asInt());
        for (String rule : ruleNames()) {
            assertEquals(DEAD_LETTERS, client.listTargetsByRule(r -> r.eventBusName(bus).rule(rule)).targets().get(0).deadLetterConfig().arn());
        }
    }

    @Test
    void aCreateWithoutADeadLetterQueueFailsAndNamesTheProperty() throws Exception {
        JsonNode body = handle(request("Create", propsWithout("DeadLetterQueueArn"), null, null)).body();
        assertEquals("FAILED", body.get("Status").asText());
        assertTrue(body.get("Reason").asText().contains("DeadLetterQueueArn is required"), body.toString());
        assertEquals(List.of(), ruleNames(), "no rule without dead letters");
        Map<String, Object> bad = new HashMap<>(props(bus, "freshet"));
        bad.put("DeadLetterQueueArn", "arn:aws:sns:eu-central-1:123456789012:topic");
        JsonNode notAQueue = handle(request("Create", bad, null, null)).body();
        assertEquals("FAILED", notAQueue.get("Status").asText());
        assertTrue(notAQueue.get("Reason").asText().contains("DeadLetterQueueArn: the dead-letter queue 'arn:aws:sns"), notAQueue.toString());
        // their rollbacks (Delete) still succeed
        assertEquals("SUCCESS", handle(request("Delete", propsWithout("DeadLetterQueueArn"), null,
                body.get("PhysicalResourceId").asText())).body().get("Status").asText());
    }

    @Test
    void updateAppliesChangedPipelinesAndKeepsThePhysicalId() throws Exception {
        String physicalId = handle(request("Create", props(bus, "freshet"), null, null)).body().get("PhysicalResourceId").asText();
        TestPipelines.edit(pipelines, "daily_ridership.yaml", "  - core.trips\n", "  - core.trips\n  - raw.passengers\n");

        JsonNode body = handle(request("Update", props(bus, "freshet"), props(bus, "freshet"), physicalId)).body();
        assertEquals("SUCCESS", body.get("Status").asText());
        assertEquals(physicalId, body.get("PhysicalResourceId").asText());
        assertEquals(0, body.get("Data").get("Created").asInt());
        assertEquals(1, body.get("Data").get("Updated").asInt());
        assertEquals(0, body.get("Data").get("Deleted").asInt());
    }

    @Test
    void updateToANewPrefixDeletesTheOldPrefixesRules() throws Exception {
        String physicalId = handle(request("Create", props(bus, "freshet"), null, null)).body().get("PhysicalResourceId").asText();

        JsonNode body = handle(request("Update", props(bus, "freshet-v2"), props(bus, "freshet"), physicalId)).body();
        assertEquals("SUCCESS", body.get("Status").asText());
        assertEquals("freshet-rules-" + bus + "-freshet-v2", body.get("PhysicalResourceId").asText());
        assertEquals(4, body.get("Data").get("Created").asInt());
        assertEquals(4, body.get("Data").get("Deleted").asInt());
        assertEquals(List.of("freshet-v2-core_network", "freshet-v2-core_trips", "freshet-v2-daily_ridership",
                "freshet-v2-metro_snapshot"), ruleNames());

        // CloudFormation then deletes the old physical resource: there is nothing left to delete,
        // and above all not the new prefix's rules, although their names start with "freshet-".
        JsonNode cleanup = handle(request("Delete", props(bus, "freshet"), null, physicalId)).body();
        assertEquals("SUCCESS", cleanup.get("Status").asText());
        assertEquals(physicalId, cleanup.get("PhysicalResourceId").asText());
        assertEquals(0, cleanup.get("Data").get("Deleted").asInt());
        assertEquals(4, ruleNames().size());
    }

    @Test
    void deleteRemovesTheRules() throws Exception {
        String physicalId = handle(request("Create", props(bus, "freshet"), null, null)).body().get("PhysicalResourceId").asText();
        JsonNode body = handle(request("Delete", props(bus, "freshet"), null, physicalId)).body();
        assertEquals("SUCCESS", body.get("Status").asText());
        assertEquals(physicalId, body.get("PhysicalResourceId").asText());
        assertEquals(4, body.get("Data").get("Deleted").asInt());
        assertEquals(List.of(), ruleNames());
    }

    @Test
    void invalidPipelinesAnswerFailedWithTheErrorsAndTheRollbackDeleteSucceeds() throws Exception {
        TestPipelines.edit(pipelines, "core_trips.yaml", "  - landing.taps ", "  - landing.tap ");
        JsonNode body = handle(request("Create", props(bus, "freshet"), null, null)).body();
        assertEquals("FAILED", body.get("Status").asText());
        String reason = body.get("Reason").asText();
        assertTrue(reason.contains("pipelines/core_trips.yaml:5:5: unknown input asset 'landing.tap'; did you mean 'landing.taps'?"), reason);
        assertEquals(List.of(), ruleNames());
        String failedId = body.get("PhysicalResourceId").asText();

        JsonNode rollback = handle(request("Delete", props(bus, "freshet"), null, failedId)).body();
        assertEquals("SUCCESS", rollback.get("Status").asText());
        assertEquals(failedId, rollback.get("PhysicalResourceId").asText());

        assertTrue(logLines().stream().anyMatch(l -> l.get("level").asText().equals("ERROR")
                && l.get("message").asText().equals("rules sync failed")), "the failure is logged");
    }

    @Test
    void aFailedUpdateKeepsThePhysicalIdAndTheRules() throws Exception {
        String physicalId = handle(request("Create", props(bus, "freshet"), null, null)).body().get("PhysicalResourceId").asText();
        TestPipelines.write(pipelines, "broken.yaml", "pipeline: [not, a, name]\n");
        JsonNode body = handle(request("Update", props(bus, "freshet"), props(bus, "freshet"), physicalId)).body();
        assertEquals("FAILED", body.get("Status").asText());
        assertEquals(physicalId, body.get("PhysicalResourceId").asText());
        assertTrue(body.get("Reason").asText().contains("broken.yaml"), body.get("Reason").asText());
        assertEquals(4, ruleNames().size());
    }

    @Test
    void aHugeErrorIsCutToFitCloudFormationsLimit() throws Exception {
        for (int i = 0; i < 80; i++) {
            TestPipelines.write(pipelines, "broken_" + i + ".yaml", "pipeline: broken_" + i + "\nsurprise: true\n");
        }
        Answer answer = handle(request("Create", props(bus, "freshet"), null, null));
        assertEquals("FAILED", answer.body().get("Status").asText());
        assertTrue(JSON.writeValueAsBytes(answer.body()).length <= 4096);
        assertTrue(answer.body().get("Reason").asText().endsWith("[...]"));
    }

    @Test
    void missingPropertiesAnswerFailedAndTheirDeleteSucceeds() throws Exception {
        Map<String, Object> props = Map.of("BusName", bus, "TriggerFunctionArn", ARN);
        JsonNode body = handle(request("Create", props, null, null)).body();
        assertEquals("FAILED", body.get("Status").asText());
        assertTrue(body.get("Reason").asText().contains("RulePrefix"), body.get("Reason").asText());

        JsonNode rollback = handle(request("Delete", props, null, body.get("PhysicalResourceId").asText())).body();
        assertEquals("SUCCESS", rollback.get("Status").asText());
    }

    @Test
    void anUnknownRequestTypeAnswersFailed() throws Exception {
        JsonNode body = handle(request("Replace", props(bus, "freshet"), null, null)).body();
        assertEquals("FAILED", body.get("Status").asText());
        assertTrue(body.get("Reason").asText().contains("Replace"));
    }

    @Test
    void theLambdaConstructorReadsItsDirectoryFromTheEnvironment() {
        assertEquals(Path.of("/var/task/pipelines"), RulesSyncHandler.pipelinesDir(Map.of("LAMBDA_TASK_ROOT", "/var/task")));
        assertEquals(Path.of("/opt/p"), RulesSyncHandler.pipelinesDir(Map.of("LAMBDA_TASK_ROOT", "/var/task", "FRESHET_PIPELINES_DIR", "/opt/p")));
        new RulesSyncHandler(); // builds nothing that can fail before a request arrives
    }

    @Test
    void aSyncThatWouldOutliveTheFunctionAnswersFailedInTime() throws Exception {
        // An EventBridge endpoint that accepts the connection and never answers.
        CountDownLatch release = new CountDownLatch(1);
        HttpServer silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        silent.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }));
        silent.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        silent.start();
        try (EventBridgeClient stuck = EventBridgeClients.create(
                Optional.of(URI.create("http://127.0.0.1:" + silent.getAddress().getPort())))) {
            RulesSyncHandler slow = new RulesSyncHandler(stuck, pipelines,
                    new HttpResponseSender(HttpClient.newHttpClient(), Duration.ofMillis(10)));
            long start = System.nanoTime();
            // 16 s left: 15 s are kept back to answer, so the work gets 1 s.
            slow.handleRequest(request("Create", props(bus, "freshet"), null, null), LambdaContext.withRemaining(16_000));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "gave up in time");
            Answer answer = answers.poll(10, TimeUnit.SECONDS);
            assertNotNull(answer);
            assertEquals("FAILED", answer.body().get("Status").asText());
            assertTrue(answer.body().get("Reason").asText().contains("did not finish within"), answer.body().toString());
        } finally {
            release.countDown();
            silent.stop(0);
        }
    }

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
