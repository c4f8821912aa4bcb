package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.stack.EmbeddedStack;

/**
 * An observed PostgreSQL source on the embedded stack, wired from template.yaml as {@code freshet
 * up} wires it (the scheduler's connection from {@code FRESHET_PG_METRO_*}): a changed row in the
 * database is one asset event and one consumer run, snapshot and published, within the tick that
 * saw it; an unchanged database starts nothing.
 */
class ObservedSourcesEndToEndTest {

    static final String CONSUMER = "stations_on_change";

    @TempDir
    Path tmp;

    static final String SOURCES = """
            sources:
              metro.db:
                postgres: { connection: metro }
                observe: { query: "SELECT max(updated_at) FROM public.stations", every: 5m }
            """;

    static final String SNAPSHOT = """
            pipeline: stations_on_change
            inputs: [metro.db]
            outputs:
              raw.stations: s3://${LakeBucket}/raw/stations/
            trigger:
              condition: metro.db
            retries: 0
            steps:
              - snapshot:
                  source: metro.db
                  tables:
                    - { table: public.stations, output: raw.stations }
            """;

    @Test
    void aChangedRowRunsTheConsumerWithinTheTickAndAnUnchangedDatabaseNothing() throws Exception {
        try (WiredStack w = WiredStack.start(tmp, Instant.parse("2026-11-20T10:00:00Z"), true,
                Map.of("sources.yaml", SOURCES, "stations.yaml", SNAPSHOT))) {
            EmbeddedStack stack = w.stack();
            stack.postgres().execute("CREATE TABLE public.stations (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL);"
                    + " INSERT INTO public.stations VALUES (1, 'Mustek', '2026-11-20 08:00:00+00'), (2, 'Muzeum', '2026-11-20 08:30:00+00')");
            w.tick(Duration.ZERO);
            assertEquals(List.of(RunState.SUCCEEDED), states(w), "the first observation");
            assertEquals(1, stack.store().events().history("raw.stations", "").size(), "the snapshot was published");

            for (int i = 0; i < 5; i++) {
                w.tick(Duration.ofMinutes(1));
            }
            assertEquals(1, w.runs(CONSUMER).size(), "nothing changed: nothing ran");

            stack.postgres().execute("INSERT INTO public.stations VALUES (3, 'Florenc', '2026-11-20 10:06:00+00')");
            w.tick(Duration.ofMinutes(5));
            List<Run> runs = w.runs(CONSUMER);
            assertEquals(List.of(RunState.SUCCEEDED, RunState.SUCCEEDED), states(w));
            List<AssetEvent> observed = stack.store().events().history("metro.db", "");
            assertEquals(2, observed.size());
            assertEquals("2026-11-20 10:06:00+00", observed.get(1).dataVersion());
            assertTrue(runs.get(1).reason().contains("metro.db"), runs.get(1).reason());
            assertEquals(2, stack.store().events().history("raw.stations", "").size());
            w.assertNoDeadLetters();
        }
    }

    static List<RunState> states(WiredStack w) {
        return w.runs(CONSUMER).stream().map(Run::state).toList();
    }
}
