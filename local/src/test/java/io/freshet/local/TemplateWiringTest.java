package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.freshet.aws.CommonSettings;
import io.freshet.core.load.StackTemplate;
import io.freshet.core.location.StackParameters;
import io.freshet.local.stack.TemplateWiring;

/**
 * The local stack reads its wiring from template.yaml: these are the facts it relies on, checked
 * against the real template, so a template change that the local stack cannot follow fails here.
 */
class TemplateWiringTest {

    static final TemplateWiring WIRING = TemplateWiring.read(Path.of("../template.yaml"),
            Map.of("StateTable", "t", "Bus", "b", "LakeBucket", "lake"), id -> "arn:" + id);

    @Test
    void everyFunctionHasAHandlerTheLocalStackCanBuild() throws Exception {
        assertTrue(WIRING.functions().keySet().containsAll(List.of("S3EventsFunction", "TriggerFunction", "RunnerFunction",
                "SchedulerFunction", "RulesSyncFunction")), WIRING.functions().keySet().toString());
        for (TemplateWiring.LambdaFunction f : WIRING.functions().values()) {
            Class<?> handler = Class.forName(f.handlerClass());
            if (!WIRING.servesCustomResource(f.logicalId())) {
                handler.getConstructor(Map.class, Clock.class); // how the local stack builds it
            }
            assertEquals("t", f.environment().get("FRESHET_TABLE"), f.logicalId());
            assertEquals("b", f.environment().get("FRESHET_BUS"), f.logicalId());
            assertEquals("lake", f.environment().get("FRESHET_LAKE_BUCKET"), f.logicalId());
        }
    }

    @Test
    void theRulesAndTheScheduleAreTheTemplates() {
        TemplateWiring.Rule s3 = WIRING.rules().stream().filter(r -> r.function().equals("S3EventsFunction")).findFirst().orElseThrow();
        assertEquals("default", s3.bus());
        assertEquals("{\"source\":[\"aws.s3\"],\"detail-type\":[\"Object Created\",\"Object Deleted\"],\"detail\":{\"bucket\":{\"name\":[\"lake\"]}}}", s3.pattern());
        assertTrue(s3.deadLetterQueue().orElseThrow().equals("arn:S3EventsDeadLetters"), s3.toString());
        TemplateWiring.Rule runner = WIRING.rules().stream().filter(r -> r.function().equals("RunnerFunction")).findFirst().orElseThrow();
        assertEquals("b", runner.bus());
        assertEquals("{\"source\":[\"freshet\"],\"detail-type\":[\"Run Requested\"]}", runner.pattern());
        assertEquals("$.detail", runner.inputPath().orElseThrow());
        TemplateWiring.Schedule tick = WIRING.schedules().get(0);
        assertEquals("SchedulerFunction", tick.function());
        assertEquals("rate(1 minute)", tick.expression());
        assertTrue(tick.input().contains("<aws.scheduler.scheduled-time>"));
        TemplateWiring.ConsumerRules consumer = WIRING.consumerRules().orElseThrow();
        assertEquals("TriggerFunction", consumer.triggerFunction());
        assertEquals("freshet-consumer", consumer.rulePrefix());
        assertEquals("b", consumer.bus());
        assertEquals("RulesSyncFunction", consumer.serviceFunction());
        assertEquals("arn:TriggerDeadLetters", consumer.deadLetterQueue().orElseThrow(), "the consumer rules' dead letters");
        assertTrue(WIRING.servesCustomResource("RulesSyncFunction"));
    }

    @Test
    void aStackPrefixOfItsOwnNamesEverythingThePrefixNames() {
        TemplateWiring own = TemplateWiring.read(Path.of("../template.yaml"), Map.of("StackPrefix", "freshet-a1b2c3d4"),
                Map.of("StateTable", "t", "Bus", "b", "LakeBucket", "lake"), id -> "arn:" + id);
        assertEquals("freshet-a1b2c3d4", own.parameters().get("StackPrefix"));
        assertEquals("freshet-a1b2c3d4-consumer", own.consumerRules().orElseThrow().rulePrefix());
        assertEquals("freshet-a1b2c3d4", own.functions().get("SchedulerFunction").environment().get("FRESHET_STACK"));
        // The values themselves (defaults, overrides, an undeclared override refused) are core's
        // StackTemplate.values, tested in StackTemplateTest.
    }

    /**
     * Locations may name every String parameter (freshet validate reads them from the template),
     * so every function must get each one's value: a parameter added to the template and not to
     * FRESHET_PARAMETERS fails here, not in a deployed function.
     */
    @Test
    void everyStringParameterReachesEveryFunctionInFreshetParameters() {
        StackTemplate template = StackTemplate.read(Path.of("../template.yaml"));
        Map<String, String> values = new TreeMap<>();
        template.parameters().values().stream().filter(StackTemplate.Declared::isString)
                .forEach(d -> values.put(d.name(), "v-" + d.name().toLowerCase(Locale.ROOT)));
        assertTrue(values.size() >= 5, values.toString());
        TemplateWiring given = TemplateWiring.read(Path.of("../template.yaml"), values,
                Map.of("StateTable", "t", "Bus", "b", "LakeBucket", "lake"), id -> "arn:" + id);
        StackParameters expected = StackParameters.of(values).with("LakeBucket", "lake");
        assertEquals(template.locationParameters(), expected.names(), "what freshet validate allows");
        for (TemplateWiring.LambdaFunction f : given.functions().values()) {
            assertEquals(expected, CommonSettings.stackParameters(f.environment()), f.logicalId() + "'s FRESHET_PARAMETERS");
            assertEquals(expected, CommonSettings.PARAMETERS.read(f.environment()), f.logicalId() + ": the lake bucket is in FRESHET_PARAMETERS too");
        }
    }

    @Test
    void theLocalStackStoryTakesAStackPrefixOfItsOwnThatTheTemplateAllows() {
        String first = LocalStackWiring.uniquePrefix("freshet");
        String second = LocalStackWiring.uniquePrefix("freshet");
        assertTrue(first.matches("freshet-[a-z0-9]{8}"), first);
        assertTrue(!first.equals(second), first + " twice");
        String longest = LocalStackWiring.uniquePrefix("a-prefix-of-21-chars-");
        assertTrue(longest.matches("[a-z][a-z0-9-]{1,20}"), longest);
    }
}
