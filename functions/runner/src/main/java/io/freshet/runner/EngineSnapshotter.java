package io.freshet.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.Step;
import io.freshet.core.snapshot.WatermarkRange;
import io.freshet.engine.snapshot.PgConnectionInfo;
import io.freshet.engine.snapshot.PostgresSnapshot;
import io.freshet.engine.snapshot.SnapshotSettings;
import io.freshet.engine.snapshot.TableRequest;

/** Snapshot steps through the engine: credentials resolved by connection name, one consistent read of all tables. */
public final class EngineSnapshotter implements Snapshotter {

    private final Project project;
    private final PgCredentials credentials;
    private final PostgresSnapshot engine = new PostgresSnapshot();
    private final Duration lockTimeout;

    public EngineSnapshotter(Project project, PgCredentials credentials) {
        this(project, credentials, SnapshotSettings.DEFAULT_LOCK_TIMEOUT);
    }

    /** @param lockTimeout how long a snapshot waits for a table another session holds locked (a migration) before it fails */
    public EngineSnapshotter(Project project, PgCredentials credentials, Duration lockTimeout) {
        this.project = project;
        this.credentials = credentials;
        this.lockTimeout = lockTimeout;
    }

    /** {@code FRESHET_SNAPSHOT_LOCK_TIMEOUT_SECONDS}, else {@link SnapshotSettings#DEFAULT_LOCK_TIMEOUT}. */
    static Duration lockTimeout(Map<String, String> env) {
        String v = env.getOrDefault("FRESHET_SNAPSHOT_LOCK_TIMEOUT_SECONDS", "").trim();
        if (v.isEmpty()) {
            return SnapshotSettings.DEFAULT_LOCK_TIMEOUT;
        }
        if (!v.matches("[0-9]{1,6}") || Integer.parseInt(v) < 1) {
            throw new IllegalStateException("FRESHET_SNAPSHOT_LOCK_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 999999, not '" + v + "'");
        }
        return Duration.ofSeconds(Integer.parseInt(v));
    }

    @Override
    public List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, WatermarkRange> reads, Path workDir) {
        Source.Postgres source = (Source.Postgres) project.source(step.source()).orElseThrow();
        PgCredentials.Connection c = credentials.resolve(source.connection());
        List<TableRequest> requests = step.tables().stream().map(t -> t.watermark()
                .map(w -> {
                    WatermarkRange r = reads.getOrDefault(t.output(), new WatermarkRange(Optional.empty(), Optional.empty()));
                    return new TableRequest(t.schema(), t.table(), t.output(), Optional.of(w), r.after(), r.upTo());
                })
                .orElseGet(() -> TableRequest.full(t.schema(), t.table(), t.output()))).toList();
        return engine.snapshot(new PgConnectionInfo(c.jdbcUrl(), c.user(), c.password()), requests, workDir, SnapshotSettings.defaults(workDir).withLockTimeout(lockTimeout))
                .tables().stream()
                .map(t -> new Table(t.output(), t.parquetFiles(), t.rows(), t.schemaHash(), t.newWatermark()))
                .toList();
    }
}
