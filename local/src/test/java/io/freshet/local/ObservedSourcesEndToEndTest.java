package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.testkit.MutableClock;

/**
 * An observed PostgreSQL source on the embedded stack, wired from template.yaml as {@code freshet
 * up} wires it (the scheduler's connection from {@code FRESHET_PG_METRO_*}): a changed row in the
 * database is one asset event and one consumer run, snapshot and published, within the tick that
 * saw it; an unchanged database starts nothing.
 */
class ObservedSourcesEndToEndTest {

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

    static List<Run> runs(EmbeddedStack stack) {
        return stack.store().runs().of("stations_on_change").stream().sorted(Comparator.comparing(Run::createdAt)).toList();
    }

    @Test
    void aChangedRowRunsTheConsumerWithinTheTickAndAnUnchangedDatabaseNothing() throws Exception {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("pipelines"));
        Files.copy(Path.of("../template.yaml"), repo.resolve("template.yaml"));
        Files.writeString(repo.resolve("pipelines/sources.yaml"), SOURCES);
        Files.writeString(repo.resolve("pipelines/stations.yaml"), SNAPSHOT);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
        try (EmbeddedStack stack = EmbeddedStack.start(new EmbeddedStack.Options(repo, tmp.resolve("state"), clock, true))) {
            stack.postgres().execute("CREATE TABLE public.stations (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL);"
                    + " INSERT INTO public.stations VALUES (1, 'Mustek', '2026-11-20 08:00:00+00'), (2, 'Muzeum', '2026-11-20 08:30:00+00')");
            stack.tick();
            stack.settle(Duration.ofMinutes(2));
            assertEquals(List.of(RunState.SUCCEEDED), runs(stack).stream().map(Run::state).toList(), "the first observation");
            assertEquals(1, stack.store().events().history("raw.stations", "").size(), "the snapshot was published");

            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofMinutes(1));
                stack.tick();
                stack.settle(Duration.ofMinutes(2));
            }
            assertEquals(1, runs(stack).size(), "nothing changed: nothing ran");

            stack.postgres().execute("INSERT INTO public.stations VALUES (3, 'Florenc', '2026-11-20 10:06:00+00')");
            clock.advance(Duration.ofMinutes(5));
            stack.tick();
            stack.settle(Duration.ofMinutes(2));
            List<Run> runs = runs(stack);
            assertEquals(List.of(RunState.SUCCEEDED, RunState.SUCCEEDED), runs.stream().map(Run::state).toList());
            List<AssetEvent> observed = stack.store().events().history("metro.db", "");
            assertEquals(2, observed.size());
            assertEquals("2026-11-20 10:06:00+00", observed.get(1).dataVersion());
            assertTrue(runs.get(1).reason().contains("metro.db"), runs.get(1).reason());
            assertEquals(2, stack.store().events().history("raw.stations", "").size());
            assertEquals(List.of(), stack.deadLetters().values().stream().flatMap(List::stream).toList());
        }
    }
}
