package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException;
import software.amazon.awssdk.services.eventbridge.model.LimitExceededException;
import software.amazon.awssdk.services.eventbridge.model.ListRulesResponse;
import software.amazon.awssdk.services.eventbridge.model.ListTargetsByRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.PutRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/** Rules, targets and buses through the real SDK client. */
@SuppressWarnings("unchecked") // the SDK\'s builders take Consumer<Builder>... varargs
class LocalEventBridgeRulesTest {

    private static final String PATTERN = "{\"source\":[\"freshet\"]}";

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
        bus = "bus-" + UUID.randomUUID();
    }

    @Test
    void putRuleAnswersTheArnAndDescribeRuleReportsWhatWasPut() {
        PutRuleResponse put = client.putRule(r -> r.eventBusName(bus).name("trips").eventPattern(PATTERN)
                .description("core trips").state(RuleState.ENABLED));
        assertEquals("arn:aws:events:eu-central-1:000000000000:rule/" + bus + "/trips", put.ruleArn());

        DescribeRuleResponse d = client.describeRule(r -> r.eventBusName(bus).name("trips"));
        assertEquals("trips", d.name());
        assertEquals(put.ruleArn(), d.arn());
        assertEquals(PATTERN, d.eventPattern());
        assertEquals("core trips", d.description());
        assertEquals(RuleState.ENABLED, d.state());
        assertEquals(bus, d.eventBusName());
    }

    @Test
    void rulesOnTheDefaultBusHaveShortArnsAndTheStateDefaultsToEnabled() {
        String name = "r-" + UUID.randomUUID();
        PutRuleResponse put = client.putRule(r -> r.name(name).eventPattern(PATTERN));
        assertEquals("arn:aws:events:eu-central-1:000000000000:rule/" + name, put.ruleArn());
        assertEquals(RuleState.ENABLED, client.describeRule(r -> r.name(name)).state());
        client.deleteRule(r -> r.name(name));
    }

    @Test
    void putRuleAgainReplacesTheRule() {
        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern(PATTERN).description("first"));
        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern("{\"source\":[\"other\"]}").state(RuleState.DISABLED));
        DescribeRuleResponse d = client.describeRule(r -> r.eventBusName(bus).name("r"));
        assertEquals("{\"source\":[\"other\"]}", d.eventPattern());
        assertEquals(RuleState.DISABLED, d.state());
        assertNull(d.description(), "PutRule replaces every field, as AWS");
    }

    @Test
    void listRulesPagesThroughEveryRuleInNameOrderWithinAPrefix() {
        IntStream.range(0, 23).forEach(i -> client.putRule(r -> r.eventBusName(bus).name(String.format("freshet-%02d", i)).eventPattern(PATTERN)));
        client.putRule(r -> r.eventBusName(bus).name("other-1").eventPattern(PATTERN));
        client.putRule(r -> r.eventBusName(bus).name("a-first").eventPattern(PATTERN));

        List<String> names = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListRulesResponse page = client.listRules(r -> r.eventBusName(bus).namePrefix("freshet-").limit(10).nextToken(next));
            page.rules().forEach(rule -> names.add(rule.name()));
            pageSizes.add(page.rules().size());
            token = page.nextToken();
        } while (token != null);

        assertEquals(IntStream.range(0, 23).mapToObj(i -> String.format("freshet-%02d", i)).toList(), names);
        assertEquals(List.of(10, 10, 3), pageSizes);
        assertEquals(List.of("a-first"), client.listRules(r -> r.eventBusName(bus).namePrefix("a-")).rules().stream().map(Rule::name).toList());
    }

    @Test
    void anInvalidNextTokenIsAValidationError() {
        EventBridgeException e = assertThrows(EventBridgeException.class,
                () -> client.listRules(r -> r.eventBusName(bus).nextToken("not a token")));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
    }

    @Test
    void unknownRulesAreResourceNotFound() {
        assertThrows(ResourceNotFoundException.class, () -> client.describeRule(r -> r.eventBusName(bus).name("missing")));
        assertThrows(ResourceNotFoundException.class, () -> client.deleteRule(r -> r.eventBusName(bus).name("missing")));
        assertThrows(ResourceNotFoundException.class, () -> client.listTargetsByRule(r -> r.eventBusName(bus).rule("missing")));
        assertThrows(ResourceNotFoundException.class, () -> client.putTargets(r -> r.eventBusName(bus).rule("missing")
                .targets(t -> t.id("t").arn("arn:aws:lambda:eu-central-1:000000000000:function:f"))));
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> client.describeRule(r -> r.eventBusName(bus).name("missing")));
        assertEquals(400, e.statusCode());
        assertTrue(e.awsErrorDetails().errorMessage().contains("missing"), e.getMessage());
    }

    @Test
    void anInvalidPatternIsRejectedWithRulersReason() {
        InvalidEventPatternException e = assertThrows(InvalidEventPatternException.class,
                () -> client.putRule(r -> r.eventBusName(bus).name("bad").eventPattern("{\"source\":\"freshet\"}")));
        assertTrue(e.awsErrorDetails().errorMessage().startsWith("Event pattern is not valid. Reason: "), e.getMessage());
        assertTrue(e.awsErrorDetails().errorMessage().contains("must be an object or an array"), e.getMessage());
        assertThrows(InvalidEventPatternException.class,
                () -> client.putRule(r -> r.eventBusName(bus).name("bad").eventPattern("{\"source\":[{\"prefx\":\"f\"}]}")));
        assertThrows(InvalidEventPatternException.class,
                () -> client.putRule(r -> r.eventBusName(bus).name("bad").eventPattern("not json")));
        assertThrows(ResourceNotFoundException.class, () -> client.describeRule(r -> r.eventBusName(bus).name("bad")),
                "a rejected rule is not created");
    }

    @Test
    void ruleNamesAndMissingPatternsAreValidated() {
        EventBridgeException badName = assertThrows(EventBridgeException.class,
                () -> client.putRule(r -> r.eventBusName(bus).name("has space").eventPattern(PATTERN)));
        assertEquals("ValidationException", badName.awsErrorDetails().errorCode());
        EventBridgeException noPattern = assertThrows(EventBridgeException.class,
                () -> client.putRule(r -> r.eventBusName(bus).name("empty")));
        assertEquals("ValidationException", noPattern.awsErrorDetails().errorCode());
    }

    @Test
    void targetsArePutListedInPagesReplacedAndRemoved() {
        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern(PATTERN));
        client.putTargets(r -> r.eventBusName(bus).rule("r").targets(
                t -> t.id("a").arn("arn:a").input("{\"k\":1}"),
                t -> t.id("b").arn("arn:b").inputPath("$.detail").retryPolicy(p -> p.maximumRetryAttempts(4))
                        .deadLetterConfig(d -> d.arn("arn:aws:sqs:eu-central-1:000000000000:dlq")),
                t -> t.id("c").arn("arn:c").inputTransformer(x -> x.inputPathsMap(Map.of("asset", "$.detail.asset"))
                        .inputTemplate("{\"a\": <asset>}"))));

        ListTargetsByRuleResponse first = client.listTargetsByRule(r -> r.eventBusName(bus).rule("r").limit(2));
        assertEquals(List.of("a", "b"), first.targets().stream().map(Target::id).toList());
        assertNotNull(first.nextToken());
        ListTargetsByRuleResponse second = client.listTargetsByRule(r -> r.eventBusName(bus).rule("r").limit(2).nextToken(first.nextToken()));
        assertEquals(List.of("c"), second.targets().stream().map(Target::id).toList());
        assertNull(second.nextToken());

        Target b = first.targets().get(1);
        assertEquals("arn:b", b.arn());
        assertEquals("$.detail", b.inputPath());
        assertEquals(4, b.retryPolicy().maximumRetryAttempts());
        assertEquals("arn:aws:sqs:eu-central-1:000000000000:dlq", b.deadLetterConfig().arn());
        Target c = second.targets().get(0);
        assertEquals("{\"a\": <asset>}", c.inputTransformer().inputTemplate());
        assertEquals(Map.of("asset", "$.detail.asset"), c.inputTransformer().inputPathsMap());

        client.putTargets(r -> r.eventBusName(bus).rule("r").targets(t -> t.id("a").arn("arn:a2")));
        client.removeTargets(r -> r.eventBusName(bus).rule("r").ids("b", "c", "never-there"));
        List<Target> left = client.listTargetsByRule(r -> r.eventBusName(bus).rule("r")).targets();
        assertEquals(1, left.size());
        assertEquals("arn:a2", left.get(0).arn());
        assertNull(left.get(0).input(), "putting a target again replaces it whole");
    }

    @Test
    void aRuleWithTargetsCannotBeDeletedUntilTheyAreRemoved() {
        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern(PATTERN));
        client.putTargets(r -> r.eventBusName(bus).rule("r").targets(t -> t.id("t").arn("arn:t")));
        EventBridgeException e = assertThrows(EventBridgeException.class, () -> client.deleteRule(r -> r.eventBusName(bus).name("r")));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());

        client.removeTargets(r -> r.eventBusName(bus).rule("r").ids("t"));
        client.deleteRule(r -> r.eventBusName(bus).name("r"));
        assertEquals(List.of(), client.listRules(r -> r.eventBusName(bus)).rules());
    }

    @Test
    void targetsAreValidatedWhenPut() {
        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern(PATTERN));
        for (var bad : List.<Consumer<Target.Builder>>of(
                t -> t.id("x").arn("arn:x").input("{"),
                t -> t.id("x").arn("arn:x").input("{}").inputPath("$.detail"),
                t -> t.id("x").arn("arn:x").inputPath("$.detail[*]"),
                t -> t.id("x").arn("arn:x").inputTransformer(x -> x.inputPathsMap(Map.of("a", "detail")).inputTemplate("<a>")),
                t -> t.id("x").arn("arn:x").inputTransformer(x -> x.inputPathsMap(Map.of("a", "$.detail"))),
                t -> t.id("bad id").arn("arn:x"))) {
            EventBridgeException e = assertThrows(EventBridgeException.class,
                    () -> client.putTargets(r -> r.eventBusName(bus).rule("r").targets(bad)));
            assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        }
        assertEquals(List.of(), client.listTargetsByRule(r -> r.eventBusName(bus).rule("r")).targets());
    }

    @Test
    void aRuleTakesAtMostFiveTargets() {
        client.putRule(r -> r.eventBusName(bus).name("r").eventPattern(PATTERN));
        IntStream.range(0, 5).forEach(i -> client.putTargets(r -> r.eventBusName(bus).rule("r").targets(t -> t.id("t" + i).arn("arn:" + i))));
        assertThrows(LimitExceededException.class,
                () -> client.putTargets(r -> r.eventBusName(bus).rule("r").targets(t -> t.id("t5").arn("arn:5"))));
    }

    @Test
    void busesExistWhenNamedAndCreatingOneTwiceFails() {
        assertEquals("arn:aws:events:eu-central-1:000000000000:event-bus/" + bus,
                client.describeEventBus(r -> r.name(bus)).arn(), "any bus exists");
        assertEquals("arn:aws:events:eu-central-1:000000000000:event-bus/" + bus,
                client.createEventBus(r -> r.name(bus)).eventBusArn());
        assertThrows(ResourceAlreadyExistsException.class, () -> client.createEventBus(r -> r.name(bus)));
        assertThrows(ResourceAlreadyExistsException.class, () -> client.createEventBus(r -> r.name("default")));
        assertEquals("default", client.describeEventBus(r -> { }).name());
    }

    @Test
    void busesMayBeNamedByArn() {
        String arn = "arn:aws:events:eu-central-1:000000000000:event-bus/" + bus;
        client.putRule(r -> r.eventBusName(arn).name("r").eventPattern(PATTERN));
        assertEquals(List.of("r"), client.listRules(r -> r.eventBusName(bus)).rules().stream().map(Rule::name).toList());
    }
}
