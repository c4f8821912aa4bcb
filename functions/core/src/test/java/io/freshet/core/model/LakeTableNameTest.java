package io.freshet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LakeTableNameTest {

    @Test
    void aTableIsNamedInItsStacksNamespaceAsGlueAndAthenaAcceptIt() {
        assertEquals("core_trips", LakeTableName.of("core.trips"));
        assertEquals("freshet_demo", LakeTableName.namespace("demo"));
        assertEquals("freshet_my_stack_2", LakeTableName.namespace("My-Stack.2"));
        assertEquals("freshet_freshet.mart_daily_ridership", LakeTableName.qualified("freshet", "mart.daily_ridership"));
    }
}
