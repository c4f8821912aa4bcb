package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.freshet.aws.events.EventBridgeClients;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The custom resource's failures: each answers FAILED with a reason CloudFormation can show, in
 * time, and leaves the rules and the physical id so that a rollback succeeds.
 */
class RulesSyncFailuresTest extends RulesSyncFixture {

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
        assertEquals(TestPipelines.METRO_PIPELINES.size(), ruleNames().size());
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
}
