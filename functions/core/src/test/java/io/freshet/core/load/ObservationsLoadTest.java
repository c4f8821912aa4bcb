package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.freshet.core.model.Observation;

/** What {@code observe:} loads into, and which SQL counts as one SELECT. */
class ObservationsLoadTest {

    @Test
    void theObservedSourcesFixtureLoadsEachObservationWithItsConnectionAndPeriod() {
        Project p = ProjectLoader.load(FixtureTest.FIXTURES.resolve("valid/observed_sources"), "pipelines", ProjectLoader.DEFAULT_PARAMETERS)
                .project().orElseThrow();
        List<Observation> all = p.observations().stream().sorted((a, b) -> a.source().compareTo(b.source())).toList();
        assertEquals(3, all.size());
        assertEquals(new Observation.Changes("metro.lines_db", "metro", "public", "lines", Duration.ofHours(1), all.get(0).pos()), all.get(0));
        assertEquals(new Observation.Changes("metro.stations_db", "metro", "public", "stations", Duration.ofMinutes(15), all.get(1).pos()),
                all.get(1));
        Observation.Query q = (Observation.Query) all.get(2);
        assertEquals("metro", q.connection());
        assertEquals(Duration.ofMinutes(5), q.every());
        assertTrue(q.sql().endsWith("SELECT max(updated_at) FROM public.taps;"), q.sql());
    }

    @Test
    void aProjectWithoutObserveHasNoObservations() {
        Project p = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
        assertTrue(p.observations().stream().allMatch(o -> p.source(o.source()).isPresent()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "  select max(x) from t;  ", "WITH a AS (SELECT 1) SELECT * FROM a", "/* c */ -- d\nSELECT ';'",
            "SELECT $$;$$, \"a;b\" FROM t -- ; here\n", "SELECT $q$ ; $q$;\n-- trailing comment"})
    void oneReadOnlyStatementPasses(String sql) {
        assertEquals(Optional.empty(), SingleSelect.problem(sql));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-- only a comment", "UPDATE t SET x = 1", "SELECT 1; SELECT 2", "select 1;delete from t", "COPY t TO STDOUT"})
    void anythingElseIsRefused(String sql) {
        assertTrue(SingleSelect.problem(sql).isPresent(), sql);
    }
}
