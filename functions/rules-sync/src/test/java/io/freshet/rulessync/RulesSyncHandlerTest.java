package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * The custom resource end to end: CloudFormation's requests in, rules on a local EventBridge, and
 * the answers PUT to a local HTTP server standing in for the pre-signed response URL.
 */
class RulesSyncHandlerTest extends RulesSyncFixture {

    @Test
    void createSyncsTheRulesAndAnswersSuccess() throws Exception {
        JsonNode body = handle(request("Create", props(bus, "freshet"), null, null)).body();
        assertEquals("SUCCESS", body.get("Status").asText());
        assertEquals("freshet-rules-" + bus + "-freshet", body.get("PhysicalResourceId").asText());
        assertEquals(TestPipelines.METRO_PIPELINES.size(), body.get("Data").get("Created").asInt());
        assertEquals(0, body.get("Data").get("Updated").asInt());
        assertEquals(0, body.get("Data").get("Deleted").asInt());
        assertEquals(TestPipelines.metroRules("freshet"), ruleNames());

        JsonNode synced = logLines().stream().filter(l -> l.get("message").asText().equals("rules synced")).findFirst().orElseThrow();
        assertEquals("INFO", synced.get("level").asText());
        assertEquals("Create", synced.get("requestType").asText());
        assertEquals(TestPipelines.METRO_PIPELINES.size(), synced.get("created").asInt());
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
        assertEquals(TestPipelines.METRO_PIPELINES.size(), body.get("Data").get("Updated").asInt());
        for (String rule : ruleNames()) {
            assertEquals(DEAD_LETTERS, client.listTargetsByRule(r -> r.eventBusName(bus).rule(rule)).targets().get(0).deadLetterConfig().arn());
        }
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
        assertEquals(TestPipelines.METRO_PIPELINES.size(), body.get("Data").get("Created").asInt());
        assertEquals(TestPipelines.METRO_PIPELINES.size(), body.get("Data").get("Deleted").asInt());
        assertEquals(TestPipelines.metroRules("freshet-v2"), ruleNames());

        // CloudFormation then deletes the old physical resource: there is nothing left to delete,
        // and above all not the new prefix's rules, although their names start with "freshet-".
        JsonNode cleanup = handle(request("Delete", props(bus, "freshet"), null, physicalId)).body();
        assertEquals("SUCCESS", cleanup.get("Status").asText());
        assertEquals(physicalId, cleanup.get("PhysicalResourceId").asText());
        assertEquals(0, cleanup.get("Data").get("Deleted").asInt());
        assertEquals(TestPipelines.METRO_PIPELINES.size(), ruleNames().size());
    }

    @Test
    void deleteRemovesTheRules() throws Exception {
        String physicalId = handle(request("Create", props(bus, "freshet"), null, null)).body().get("PhysicalResourceId").asText();
        JsonNode body = handle(request("Delete", props(bus, "freshet"), null, physicalId)).body();
        assertEquals("SUCCESS", body.get("Status").asText());
        assertEquals(physicalId, body.get("PhysicalResourceId").asText());
        assertEquals(TestPipelines.METRO_PIPELINES.size(), body.get("Data").get("Deleted").asInt());
        assertEquals(List.of(), ruleNames());
    }

    @Test
    void theLambdaConstructorReadsItsDirectoryFromTheEnvironment() {
        assertEquals(Path.of("/var/task/pipelines"), RulesSyncHandler.pipelinesDir(Map.of("LAMBDA_TASK_ROOT", "/var/task")));
        assertEquals(Path.of("/opt/p"), RulesSyncHandler.pipelinesDir(Map.of("LAMBDA_TASK_ROOT", "/var/task", "FRESHET_PIPELINES_DIR", "/opt/p")));
        new RulesSyncHandler(); // builds nothing that can fail before a request arrives
    }
}
