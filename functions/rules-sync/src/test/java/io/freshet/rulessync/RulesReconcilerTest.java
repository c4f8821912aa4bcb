package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.InputTransformer;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

class RulesReconcilerTest {

    private static final String ARN = "arn:aws:lambda:eu-central-1:123456789012:function:freshet-trigger";
    private static final List<String> METRO_RULES = TestPipelines.metroRules("freshet");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalEventBridge eventBridge;
    private static EventBridgeClient client;
    private String bus;

    @BeforeAll
    static void start() {
        eventBridge = LocalEventBridge.start();
        client = eventBridge.client();
    }

    @AfterAll
    static void stop() {
        eventBridge.close();
    }

    @BeforeEach
    void freshBus() {
        bus = "bus-" + UUID.randomUUID(); // every test on its own bus: no test sees another's rules
    }

    private RulesReconciler reconciler() {
        return new RulesReconciler(client, bus, "freshet");
    }

    private static List<DesiredRule> metro() {
        return ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN);
    }

    private List<Rule> rules() {
        List<Rule> all = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = client.listRules(r -> r.eventBusName(bus).nextToken(next));
            all.addAll(page.rules());
            token = page.nextToken();
        } while (token != null);
        return all;
    }

    private List<String> ruleNames() {
        return rules().stream().map(Rule::name).sorted().toList();
    }

    private List<Target> targets(String rule) {
        return client.listTargetsByRule(r -> r.eventBusName(bus).rule(rule)).targets();
    }

    /** A rule made by hand, as another tool or an older deployment would leave it. */
    private void putForeignRule(String name, String description) {
        client.putRule(r -> r.eventBusName(bus).name(name).description(description)
                .eventPattern("{\"source\":[\"elsewhere\"]}").state(RuleState.ENABLED));
        client.putTargets(r -> r.eventBusName(bus).rule(name)
                .targets(Target.builder().id("t1").arn("arn:aws:lambda:eu-central-1:123456789012:function:other").build()));
    }

    @Test
    void createsTheRulesWithTheirTargetsThenChangesNothing() throws Exception {
        ReconcileReport first = reconciler().reconcile(metro());
        assertEquals(METRO_RULES, first.created());
        assertEquals(List.of(), first.updated());
        assertEquals(List.of(), first.deleted());
        assertEquals(METRO_RULES, ruleNames());

        Rule trips = rules().stream().filter(r -> r.name().equals("freshet-core_trips")).findFirst().orElseThrow();
        DesiredRule want = metro().get(1);
        assertEquals(JSON.readTree(want.eventPattern()), JSON.readTree(trips.eventPattern()));
        assertEquals(want.description(), trips.description());
        assertEquals(RuleState.ENABLED, trips.state());
        List<Target> targets = targets("freshet-core_trips");
        assertEquals(1, targets.size());
        assertEquals("trigger", targets.get(0).id());
        assertEquals(ARN, targets.get(0).arn());
        assertEquals("{\"pipeline\": \"core_trips\", \"event\": <aws.events.event.json>}", targets.get(0).inputTransformer().inputTemplate());

        ReconcileReport second = reconciler().reconcile(metro());
        assertEquals(new ReconcileReport(List.of(), List.of(), List.of(), METRO_RULES), second);
        assertTrue(!second.changed());
    }

    @Test
    void updatesOnlyTheRuleOfAPipelineWhoseInputsChanged(@TempDir Path dir) throws Exception {
        reconciler().reconcile(metro());
        TestPipelines.copyMetro(dir);
        TestPipelines.edit(dir, "daily_ridership.yaml", "  - core.trips\n", "  - core.trips\n  - raw.passengers\n");

        ReconcileReport report = reconciler().reconcile(ConsumerRules.compute(TestPipelines.load(dir), "freshet", ARN));
        assertEquals(List.of("freshet-daily_ridership"), report.updated());
        assertEquals(List.of("freshet-core_network", "freshet-core_trips", "freshet-metro_snapshot", "freshet-station_directory"), report.unchanged());
        assertEquals(List.of(), report.created());
        assertEquals(List.of(), report.deleted());
        Rule ridership = rules().stream().filter(r -> r.name().equals("freshet-daily_ridership")).findFirst().orElseThrow();
        assertEquals(List.of("core.network", "core.trips", "raw.passengers"),
                JSON.convertValue(JSON.readTree(ridership.eventPattern()).at("/$or/0/detail/asset"), List.class));

        // And the change is live: raw.passengers now reaches daily_ridership too.
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        String arn = "arn:aws:lambda:eu-central-1:123456789012:function:watch-" + UUID.randomUUID();
        eventBridge.registerTarget(arn, received::add);
        reconciler().reconcile(ConsumerRules.compute(TestPipelines.load(dir), "freshet", arn));
        PutEventsRequestEntry passengers = PutEventsRequestEntry.builder().eventBusName(bus).source("freshet")
                .detailType("Asset Updated").detail("{\"asset\":\"raw.passengers\",\"partition\":\"2026-05-26\",\"eventId\":\"e1\"}").build();
        assertEquals(0, client.putEvents(r -> r.entries(passengers)).failedEntryCount());
        eventBridge.awaitQuiescence(Duration.ofSeconds(10));
        assertEquals(List.of("core_trips", "daily_ridership"), received.stream()
                .map(s -> { try { return JSON.readTree(s).get("pipeline").asText(); } catch (Exception e) { throw new IllegalStateException(e); } })
                .sorted().toList());
    }

    @Test
    void aNewTriggerArnUpdatesEveryTarget() {
        reconciler().reconcile(metro());
        String otherArn = ARN + "-v2";
        ReconcileReport report = reconciler().reconcile(ConsumerRules.compute(TestPipelines.metro(), "freshet", otherArn));
        assertEquals(METRO_RULES, report.updated());
        for (String rule : METRO_RULES) {
            assertEquals(List.of(otherArn), targets(rule).stream().map(Target::arn).toList());
        }
        assertEquals(METRO_RULES, reconciler().reconcile(ConsumerRules.compute(TestPipelines.metro(), "freshet", otherArn)).unchanged());
    }

    @Test
    void repairsARuleEditedByHand() {
        reconciler().reconcile(metro());
        client.putRule(r -> r.eventBusName(bus).name("freshet-core_trips").eventPattern("{\"source\":[\"freshet\"]}")
                .description("edited").state(RuleState.DISABLED));
        client.putTargets(r -> r.eventBusName(bus).rule("freshet-core_network").targets(
                Target.builder().id("trigger").arn(ARN).inputTransformer(InputTransformer.builder()
                        .inputPathsMap(Map.of("d", "$.detail")).inputTemplate("<d>").build()).build(),
                Target.builder().id("extra").arn(ARN + "-extra").build()));

        ReconcileReport report = reconciler().reconcile(metro());
        assertEquals(List.of("freshet-core_network", "freshet-core_trips"), report.updated());
        assertEquals(List.of("freshet-daily_ridership", "freshet-metro_snapshot", "freshet-station_directory"), report.unchanged());
        assertEquals(List.of("trigger"), targets("freshet-core_network").stream().map(Target::id).toList());
        Target trigger = targets("freshet-core_network").get(0);
        assertEquals(metro().get(0).inputTemplate(), trigger.inputTransformer().inputTemplate());
        assertTrue(!trigger.inputTransformer().hasInputPathsMap() || trigger.inputTransformer().inputPathsMap().isEmpty());
        Rule trips = rules().stream().filter(r -> r.name().equals("freshet-core_trips")).findFirst().orElseThrow();
        assertEquals(RuleState.ENABLED, trips.state());
        assertEquals(metro().get(1).description(), trips.description());
        assertTrue(!reconciler().reconcile(metro()).changed());
    }

    @Test
    void deletesStalePrefixedRulesAndLeavesEveryOtherRuleAlone() {
        putForeignRule("freshet-old_pipeline", "left by an earlier deploy");
        putForeignRule("someone-elses-rule", "not ours");
        putForeignRule("freshetish-rule", "shares the letters but not the prefix");
        // Prefixes nest: freshet-dev's rules also start with "freshet-", but say who owns them.
        putForeignRule("freshet-dev-core_trips", RuleNames.ownerMarker("freshet-dev") + " triggers pipeline core_trips");

        ReconcileReport report = reconciler().reconcile(metro());
        assertEquals(List.of("freshet-old_pipeline"), report.deleted());
        assertEquals(METRO_RULES, report.created());
        List<String> expected = new ArrayList<>(List.of("freshet-dev-core_trips", "freshetish-rule", "someone-elses-rule"));
        expected.addAll(METRO_RULES);
        assertEquals(expected.stream().sorted().toList(), ruleNames());
        assertEquals(List.of("t1"), targets("someone-elses-rule").stream().map(Target::id).toList());
        assertEquals(List.of("t1"), targets("freshet-dev-core_trips").stream().map(Target::id).toList());
    }

    @Test
    void deleteAllRemovesThePrefixesRulesOnly() {
        reconciler().reconcile(metro());
        putForeignRule("someone-elses-rule", "not ours");
        ReconcileReport report = reconciler().deleteAll();
        assertEquals(METRO_RULES, report.deleted());
        assertEquals(List.of("someone-elses-rule"), ruleNames());
        assertEquals(new ReconcileReport(List.of(), List.of(), List.of(), List.of()), reconciler().deleteAll());
    }

    @Test
    void listsEveryPageOfRules() {
        // More rules than one ListRules page (AWS returns at most 100): without paging, the second
        // run would not see the last ones and would create them again.
        List<DesiredRule> many = IntStream.range(0, 130).mapToObj(i -> new DesiredRule(
                String.format("freshet-p%03d", i), RuleNames.ownerMarker("freshet") + " p" + i,
                ConsumerRules.eventPattern("p" + i, List.of("raw.a" + i)), "trigger", ARN, ConsumerRules.inputTemplate("p" + i))).toList();
        assertEquals(130, reconciler().reconcile(many).created().size());
        ReconcileReport again = reconciler().reconcile(many);
        assertEquals(130, again.unchanged().size());
        assertTrue(!again.changed());
        assertEquals(130, reconciler().reconcile(many.subList(0, 5)).deleted().size() + 5);
        assertEquals(5, ruleNames().size());
    }

    @Test
    void planChangesNothing() {
        putForeignRule("freshet-old_pipeline", "left by an earlier deploy");
        ReconcileReport plan = reconciler().plan(metro());
        assertEquals(METRO_RULES, plan.created());
        assertEquals(List.of("freshet-old_pipeline"), plan.deleted());
        assertEquals(List.of("freshet-old_pipeline"), ruleNames());
    }

    @Test
    void refusesRulesOutsideThePrefixOrTwiceTheSame() {
        DesiredRule trips = metro().get(1);
        DesiredRule outside = new DesiredRule("other-core_trips", trips.description(), trips.eventPattern(), "trigger", ARN, trips.inputTemplate());
        assertThrows(IllegalArgumentException.class, () -> reconciler().reconcile(List.of(outside)));
        assertThrows(IllegalArgumentException.class, () -> reconciler().reconcile(List.of(trips, trips)));
        assertEquals(List.of(), ruleNames(), "nothing was written");
    }

    @Test
    void aDeliveryTheTargetNeverTakesEndsInTheDeadLetterQueueWithTheEvent() {
        String target = "arn:aws:lambda:eu-central-1:123456789012:function:freshet-trigger-" + UUID.randomUUID();
        String deadLetters = "arn:aws:sqs:eu-central-1:123456789012:dead-" + UUID.randomUUID();
        AtomicInteger attempts = new AtomicInteger();
        eventBridge.registerTarget(target, input -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("the trigger is unreachable");
        });
        reconciler().reconcile(ConsumerRules.compute(TestPipelines.metro(), "freshet", target, DesiredRule.Delivery.withDeadLetters(deadLetters)));
        client.putEvents(r -> r.entries(PutEventsRequestEntry.builder().eventBusName(bus).source("freshet").detailType("Asset Updated")
                .detail("{\"asset\":\"landing.taps\",\"partition\":\"2026-05-26\",\"eventId\":\"e-lost\"}").build()));
        eventBridge.awaitQuiescence(Duration.ofSeconds(10));
        List<String> dead = eventBridge.deadLetters(deadLetters);
        assertEquals(1, dead.size(), "core_trips' rule gave up on it: " + dead);
        assertTrue(dead.get(0).contains("e-lost"), dead.get(0));
        assertEquals(1 + DesiredRule.Delivery.DEFAULT.maximumRetryAttempts(), attempts.get(), "retried before giving up");
        assertEquals(List.of(), eventBridge.undelivered().stream().filter(u -> u.contains("e-lost")).toList(), "nothing dropped");
    }

    @Test
    void aChangedDeadLetterQueueOrRetryPolicyIsAnUpdate() {
        String queue = "arn:aws:sqs:eu-central-1:123456789012:dead";
        reconciler().reconcile(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN, DesiredRule.Delivery.withDeadLetters(queue)));
        assertEquals(METRO_RULES, reconciler().reconcile(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN,
                DesiredRule.Delivery.withDeadLetters(queue))).unchanged());
        assertEquals(METRO_RULES, reconciler().reconcile(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN,
                DesiredRule.Delivery.withDeadLetters(queue + "-2"))).updated());
        assertEquals(METRO_RULES, reconciler().reconcile(ConsumerRules.compute(TestPipelines.metro(), "freshet", ARN,
                new DesiredRule.Delivery(3, 3600, Optional.of(queue + "-2")))).updated());
        assertEquals(3, targets("freshet-core_trips").get(0).retryPolicy().maximumRetryAttempts());
        assertEquals(queue + "-2", targets("freshet-core_trips").get(0).deadLetterConfig().arn());
    }
}
