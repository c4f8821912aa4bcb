package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Which parameters a location may name, read from the template.yaml beside the pipelines, and the
 * values a stack deployed with some overrides gives every parameter (what the local stack's
 * {@code TemplateWiring} resolves {@code !Ref} to; its test checks the resolved resources only).
 */
class StackTemplateTest {

    @Test
    void theRepositorysTemplateGivesItsStringParametersAndTheLakeBucket() {
        StackTemplate t = StackTemplate.nextTo(Path.of("../../pipelines")).orElseThrow();
        Set<String> names = t.locationParameters();
        assertTrue(names.containsAll(Set.of("LakeBucket", "StackPrefix", "PostgresSecretArn", "OpenLineageUrl")), names.toString());
        assertFalse(names.contains("RunnerSubnetIds"), "a CommaDelimitedList cannot be put into FRESHET_PARAMETERS: " + names);
        assertFalse(names.contains("RunnerMaxConcurrency"), "only String parameters: " + names);
        assertEquals("freshet", t.defaults().get("StackPrefix"));
        assertEquals(new StackTemplate.Declared("StackPrefix", "String", Optional.of("freshet")), t.parameters().get("StackPrefix"));
    }

    @Test
    void withoutATemplateOnlyTheLakeBucket() {
        Path fixture = FixtureTest.FIXTURES.resolve("invalid/unknown_parameter");
        assertEquals(Optional.empty(), StackTemplate.nextTo(fixture));
        assertEquals(ProjectLoader.DEFAULT_PARAMETERS, StackTemplate.locationParametersOf(fixture));
    }

    @Test
    void aParameterWithoutDefaultHasNone() {
        StackTemplate t = StackTemplate.nextTo(FixtureTest.FIXTURES.resolve("invalid/unknown_stack_parameter/pipelines")).orElseThrow();
        assertEquals(Set.of("Env", "LakeBucket", "Team"), t.locationParameters());
        assertEquals(Optional.empty(), t.parameters().get("Team").defaultValue());
        assertEquals(Map.of("Env", "dev"), t.defaults());
        assertEquals(Map.of("Env", "dev", "Team", "", "RunnerMaxConcurrency", "10"), t.values(Map.of()),
                "every parameter has a value, a Number's as written, none without a Default: \"\"");
    }

    @Test
    void everyParameterHasItsDefaultUnlessOverridden() {
        StackTemplate t = StackTemplate.nextTo(Path.of("../../pipelines")).orElseThrow();
        Map<String, String> defaults = t.values(Map.of());
        assertEquals(t.parameters().keySet(), defaults.keySet(), "every type, in the template's order");
        assertEquals("freshet", defaults.get("StackPrefix"));
        assertEquals("10", defaults.get("RunnerMaxConcurrency"));
        assertEquals("", defaults.get("RunnerSubnetIds"));
        assertEquals("rate(6 hours)", defaults.get("LakeHousekeepingSchedule"));

        Map<String, String> given = t.values(Map.of("StackPrefix", "freshet-a1b2c3d4", "RunnerMaxConcurrency", "0"));
        assertEquals("freshet-a1b2c3d4", given.get("StackPrefix"));
        assertEquals("0", given.get("RunnerMaxConcurrency"));
        assertEquals(defaults.get("OpenLineageUrl"), given.get("OpenLineageUrl"), "the others keep their defaults");

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> t.values(Map.of("StackPrefx", "x")));
        assertTrue(unknown.getMessage().contains("declares no parameter StackPrefx"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("StackPrefix"), "names those it declares: " + unknown.getMessage());
    }
}
