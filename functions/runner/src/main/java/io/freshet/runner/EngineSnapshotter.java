package io.freshet.runner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.Step;
import io.freshet.engine.snapshot.PgConnectionInfo;
import io.freshet.engine.snapshot.PostgresSnapshot;
import io.freshet.engine.snapshot.SnapshotSettings;
import io.freshet.engine.snapshot.TableRequest;

/** Snapshot steps through the engine: credentials resolved by connection name, one consistent read of all tables. */
public final class EngineSnapshotter implements Snapshotter {

    private final Project project;
    private final PgCredentials credentials;
    private final PostgresSnapshot engine = new PostgresSnapshot();

    public EngineSnapshotter(Project project, PgCredentials credentials) {
        this.project = project;
        this.credentials = credentials;
    }

    @Override
    public List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, String> lastWatermarks, Path workDir) {
        Source.Postgres source = (Source.Postgres) project.source(step.source()).orElseThrow();
        PgCredentials.Connection c = credentials.resolve(source.connection());
        List<TableRequest> requests = step.tables().stream().map(t -> t.watermark()
                .map(w -> TableRequest.incremental(t.schema(), t.table(), t.output(), w, Optional.ofNullable(lastWatermarks.get(t.output()))))
                .orElseGet(() -> TableRequest.full(t.schema(), t.table(), t.output()))).toList();
        return engine.snapshot(new PgConnectionInfo(c.jdbcUrl(), c.user(), c.password()), requests, workDir, SnapshotSettings.defaults(workDir))
                .tables().stream()
                .map(t -> new Table(t.output(), t.parquetFiles(), t.rows(), t.schemaHash(), t.newWatermark()))
                .toList();
    }
}
