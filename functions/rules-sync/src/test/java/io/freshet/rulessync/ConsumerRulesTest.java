package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ConsumerRulesTest {

    private static final String ARN = "arn:aws:lambda:eu-central-1:123456789012:function:freshet-trigger";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, DesiredRule> byName(List<DesiredRule> rules) {
        return rules.stream().collect(Collectors.toMap(DesiredRule::name, r -> r));
    }

    @Test
    void theMetroHasARulePerPipeline() {
        List<DesiredRule> rules = ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN);
        assertEquals(TestPipelines.metroRules("freshet"),
                rules.stream().map(DesiredRule::name).toList());
    }

    @Test
    void aPipelineWithNoInputEventsHearsOnlyItsOwnRunsEnds() {
        DesiredRule snapshot = byName(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN)).get("freshet-metro_snapshot");
        assertEquals("{\"source\":[\"freshet\"],\"detail-type\":[\"Run Succeeded\",\"Run Failed\",\"Run Skipped\"],"
                + "\"detail\":{\"pipeline\":[\"metro_snapshot\"]}}", snapshot.eventPattern());
        assertTrue(snapshot.description().endsWith("triggers pipeline metro_snapshot on its own finished runs"), snapshot.description());
    }

    @Test
    void thePatternMatchesTheInputsUpdatesAndThePipelinesOwnRunsInAFixedOrder() {
        DesiredRule trips = byName(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN)).get("freshet-core_trips");
        assertEquals("{\"source\":[\"freshet\"],\"$or\":["
                + "{\"detail-type\":[\"Asset Updated\"],\"detail\":{\"asset\":[\"landing.taps\",\"raw.passengers\",\"raw.stations\"]}},"
                + "{\"detail-type\":[\"Run Succeeded\",\"Run Failed\",\"Run Skipped\"],\"detail\":{\"pipeline\":[\"core_trips\"]}}]}",
                trips.eventPattern());
        assertEquals("{\"pipeline\": \"core_trips\", \"event\": <aws.events.event.json>}", trips.inputTemplate());
        assertEquals("trigger", trips.targetId());
        assertEquals(ARN, trips.targetArn());
    }

    @Test
    void everyRuleListsExactlyItsPipelinesInputsSorted() throws Exception {
        Map<String, DesiredRule> rules = byName(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN));
        assertEquals(List.of("raw.route_stations", "raw.routes", "raw.stations"), assets(rules.get("freshet-core_network")));
        assertEquals(List.of("core.network", "core.trips"), assets(rules.get("freshet-daily_ridership")));
    }

    private static List<String> assets(DesiredRule rule) throws Exception {
        JsonNode asset = JSON.readTree(rule.eventPattern()).get("$or").get(0).get("detail").get("asset");
        return StreamSupport.stream(asset.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void theDescriptionNamesTheOwnerThePipelineAndItsInputs() {
        DesiredRule trips = byName(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN)).get("freshet-core_trips");
        assertEquals("Freshet [prefix=freshet] triggers pipeline core_trips on updates of landing.taps, raw.passengers, "
                + "raw.stations and on its own finished runs", trips.description());
    }

    @Test
    void computingTwiceGivesTheSameRules() {
        assertEquals(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN),
                ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN));
    }

    @Test
    void postgresInputsAreLeftOutAndPipelinesWithoutEventfulInputsHearOnlyTheirOwnRuns(@TempDir Path dir) {
        TestPipelines.copyMetro(dir);
        // A snapshot pipeline that also reads an S3 source: only the S3 source has events.
        TestPipelines.edit(dir, "metro_snapshot.yaml", "inputs:\n  - metro.db\n", "inputs:\n  - metro.db\n  - landing.taps\n");
        TestPipelines.write(dir, "constants.yaml", """
                pipeline: constants
                outputs:
                  ref.constants: s3://${LakeBucket}/ref/constants/
                trigger:
                  cron: "0 1 * * ? *"
                steps:
                  - sql: { output: ref.constants, query: "SELECT 1 AS one" }
                """);
        Map<String, DesiredRule> rules = byName(ConsumerRules.compute(TestPipelines.load(dir), "freshet", ARN));
        assertEquals(TestPipelines.metroRules("freshet", "constants"), rules.keySet().stream().sorted().toList());
        assertEquals("{\"source\":[\"freshet\"],\"$or\":["
                + "{\"detail-type\":[\"Asset Updated\"],\"detail\":{\"asset\":[\"landing.taps\"]}},"
                + "{\"detail-type\":[\"Run Succeeded\",\"Run Failed\",\"Run Skipped\"],\"detail\":{\"pipeline\":[\"metro_snapshot\"]}}]}",
                rules.get("freshet-metro_snapshot").eventPattern());
        // A pipeline with no inputs at all still hears its own runs' ends, and nothing else.
        DesiredRule constants = rules.get("freshet-constants");
        assertEquals("{\"source\":[\"freshet\"],\"detail-type\":[\"Run Succeeded\",\"Run Failed\",\"Run Skipped\"],"
                + "\"detail\":{\"pipeline\":[\"constants\"]}}", constants.eventPattern());
        assertEquals("Freshet [prefix=freshet] triggers pipeline constants on its own finished runs", constants.description());
        assertEquals("{\"pipeline\": \"constants\", \"event\": <aws.events.event.json>}", constants.inputTemplate());
    }

    @Test
    void longPrefixesAndPipelineNamesGiveValidDistinctNames(@TempDir Path dir) {
        TestPipelines.copyMetro(dir);
        String longName = "core_trips_" + "x".repeat(37); // 48 characters, the longest a pipeline name may be
        TestPipelines.edit(dir, "core_trips.yaml", "pipeline: core_trips", "pipeline: " + longName);
        String prefix = "freshet-production-eu-central-1";
        List<DesiredRule> rules = ConsumerRules.compute(TestPipelines.load(dir), prefix, ARN);
        for (DesiredRule rule : rules) {
            assertTrue(rule.name().matches("[.\\-_A-Za-z0-9]{1,64}"), rule.name());
            assertTrue(rule.name().startsWith(prefix + "-"), rule.name());
        }
        DesiredRule cut = rules.stream().filter(r -> r.eventPattern().contains(longName)).findFirst().orElseThrow();
        assertEquals(64, cut.name().length());
        assertTrue(cut.name().matches(".*-[0-9a-f]{8}"), cut.name());
    }

    @Test
    void longDescriptionsAreCutToEventBridgesLimit() {
        List<String> inputs = IntStream.range(0, 60).mapToObj(i -> "layer.asset_number_" + i).toList();
        String description = ConsumerRules.description("freshet", "big", inputs);
        assertEquals(ConsumerRules.MAX_DESCRIPTION_LENGTH, description.length());
        assertTrue(description.startsWith("Freshet [prefix=freshet] triggers pipeline big"));
        assertTrue(description.endsWith("..."));
    }

    @Test
    void aMissingTriggerArnOrABadPrefixIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ConsumerRules.compute(TestPipelines.metro(), "freshet", ""));
        assertThrows(IllegalArgumentException.class, () -> ConsumerRules.compute(TestPipelines.metro(), "", ARN));
    }
}
