package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Which parameters a location may name, read from the template.yaml beside the pipelines. */
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
    }
}
