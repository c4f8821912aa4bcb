package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SqlReferencesTest {

    private static List<String> names(String sql) {
        return SqlReferences.of(sql).stream().map(m -> m.name() + "@" + m.line() + ":" + m.column()).toList();
    }

    @Test
    void findsDottedNamesWithTheirPositions() {
        assertEquals(List.of("landing.taps@1:15", "raw.stations@2:6", "s.id@2:24", "t.station_id@2:31"),
                names("SELECT * FROM landing.taps t\nJOIN raw.stations s ON s.id = t.station_id"));
    }

    @Test
    void ignoresLiteralsQuotedIdentifiersAndComments() {
        assertEquals(List.of(), names("""
                SELECT 'raw.stations' AS a, 'it''s raw.stations' AS b, "raw.stations" AS c -- raw.stations
                /* raw.stations
                   core.trips */ FROM x"""));
    }

    @Test
    void foldsCaseAndTakesOnlyTheFirstPairOfALongerChain() {
        assertEquals(List.of("raw.stations@1:8", "memory.raw@1:36"), names("SELECT RAW.Stations.name, 1.5 FROM memory.raw.taps"));
    }

    @Test
    void countsLinesInsideCommentsAndStrings() {
        assertEquals(List.of("core.trips@5:6"), names("/* a\nb */ SELECT 'x\ny'\nFROM\nFROM core.trips"));
    }

    private static List<String> variables(String sql) {
        return SqlReferences.variables(sql).stream().map(v -> v.name() + "@" + v.line() + ":" + v.column()).toList();
    }

    @Test
    void findsTheLiteralNamesGetvariableReadsAndWhereEachIs() {
        assertEquals(List.of("partition@1:20", "run_id@3:3"),
                variables("SELECT getvariable('partition'), GetVariable (\n\n  'run_id' ) FROM x"));
    }

    @Test
    void leavesOutCallsWithoutAPlainLiteralAndMentionsInCommentsOrStrings() {
        assertEquals(List.of(), variables("""
                SELECT getvariable('a' || 'b'), getvariable(name), getvariable('it''s'), x.getvariable('y')
                -- getvariable('c')
                , 'getvariable(''d'')'"""));
    }

    @Test
    void theObjectColumnIsNamedBareQuotedOrQualifiedButNotInLiteralsOrComments() {
        assertTrue(ObjectColumn.named("SELECT _object FROM landing.sales"));
        assertTrue(ObjectColumn.named("SELECT s.\"_Object\" FROM landing.sales s"));
        assertTrue(ObjectColumn.named("SELECT landing.sales._OBJECT FROM landing.sales"));
        assertFalse(ObjectColumn.named("SELECT '_object', x AS objects -- _object\n/* _object */ FROM landing.sales"));
        assertFalse(ObjectColumn.named("SELECT my_object FROM landing.sales"));
    }
}
