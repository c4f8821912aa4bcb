package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Step;
import io.freshet.testkit.LocalPostgres;

/**
 * The attempt's deadline reaches PostgreSQL: a snapshot stuck behind a lock (a migration holding
 * ACCESS EXCLUSIVE) ends at the time it was given ({@code statement_timeout}), and at once when
 * the deadline's cancel runs ({@code pg_cancel_backend} on the snapshot's own connections), with
 * a failure the runner counts as transient.
 */
class SnapshotDeadlineTest {

    static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.execute("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'a'), (2, 'b');");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @TempDir
    Path tmp;

    Project project() throws Exception {
        Files.createDirectories(tmp.resolve("p/pipelines"));
        Files.writeString(tmp.resolve("p/pipelines/p.yaml"), """
                pipeline: snap
                inputs:
                  - shop.db
                outputs:
                  raw.items: s3://${LakeBucket}/raw/items/
                trigger:
                  cron: "0 1 * * ? *"
                steps:
                  - snapshot:
                      source: shop.db
                      tables:
                        - { table: public.items, output: raw.items }
                """);
        Files.writeString(tmp.resolve("p/pipelines/sources.yaml"), """
                sources:
                  shop.db:
                    postgres:
                      connection: shop
                """);
        return ProjectLoader.load(tmp.resolve("p")).orThrow();
    }

    EngineSnapshotter snapshotter(Project p) {
        return new EngineSnapshotter(p, new PgCredentials(Map.of("FRESHET_PG_SHOP_URL", pg.jdbcUrl(),
                "FRESHET_PG_SHOP_USER", pg.user(), "FRESHET_PG_SHOP_PASSWORD", pg.password()), arn -> {
                    throw new AssertionError("no Secrets Manager locally");
                }));
    }

    /** Runs {@code body} while another session holds ACCESS EXCLUSIVE on the table, as a migration would. */
    void whileLocked(ThrowingRunnable body) throws Exception {
        try (Connection migration = pg.connect(); Statement s = migration.createStatement()) {
            migration.setAutoCommit(false);
            s.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
            try {
                body.run();
            } finally {
                migration.rollback();
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aSnapshotStuckOnALockEndsWhenItsTimeIsUp() throws Exception {
        Project p = project();
        Pipeline pipeline = p.pipeline("snap").orElseThrow();
        Step.Snapshot step = (Step.Snapshot) pipeline.steps().get(0);
        whileLocked(() -> {
            long started = System.nanoTime();
            RuntimeException e = assertThrows(RuntimeException.class, () -> snapshotter(p).snapshot(pipeline, step, "", Map.of(),
                    tmp.resolve("work"), Duration.ofSeconds(2), stop -> { }));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "bounded by the time given: " + took);
            assertTrue(FailureKind.of(e) instanceof FailureKind.Transient, e.toString());
        });
    }

    @Test
    void theDeadlineCancelsTheSnapshotsStatements() throws Exception {
        Project p = project();
        Pipeline pipeline = p.pipeline("snap").orElseThrow();
        Step.Snapshot step = (Step.Snapshot) pipeline.steps().get(0);
        whileLocked(() -> {
            AtomicReference<Runnable> cancel = new AtomicReference<>();
            Thread deadline = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException ignored) {
                    return;
                }
                cancel.get().run();
            });
            long started = System.nanoTime();
            RuntimeException e = assertThrows(RuntimeException.class, () -> snapshotter(p).snapshot(pipeline, step, "", Map.of(),
                    tmp.resolve("work2"), Duration.ofMinutes(10), stop -> {
                        cancel.set(stop);
                        deadline.start();
                    }));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "cancelled at the deadline, not after statement_timeout: " + took);
            assertTrue(e.getMessage().contains("cancel"), e.getMessage());
        });
        // Without a lock the same snapshot passes: the parameters added to the URL are accepted.
        List<Snapshotter.Table> tables = snapshotter(p).snapshot(pipeline, step, "", Map.of(), tmp.resolve("work3"),
                Duration.ofMinutes(1), stop -> { });
        assertEquals(2, tables.get(0).rows());
    }
}
