package io.freshet.runner;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.Step;
import io.freshet.core.snapshot.WatermarkRange;
import io.freshet.engine.snapshot.ParquetFileListener;
import io.freshet.engine.snapshot.PgConnectionInfo;
import io.freshet.engine.snapshot.PostgresInputs;
import io.freshet.engine.snapshot.PostgresSnapshot;
import io.freshet.engine.snapshot.SnapshotSettings;
import io.freshet.engine.snapshot.TableRequest;
import org.postgresql.Driver;

/** Snapshot steps and PostgreSQL inputs through the engine: credentials resolved by connection name, one consistent read of all tables. */
public final class EngineSnapshotter implements Snapshotter {

    private final Project project;
    private final PgCredentials credentials;
    private final PostgresSnapshot engine = new PostgresSnapshot();
    private final PostgresInputs inputReader = new PostgresInputs();
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

    /** {@link RunnerSettings#SNAPSHOT_LOCK_TIMEOUT_SECONDS}, else {@link SnapshotSettings#DEFAULT_LOCK_TIMEOUT}. */
    static Duration lockTimeout(Map<String, String> env) {
        return Duration.ofSeconds(RunnerSettings.SNAPSHOT_LOCK_TIMEOUT_SECONDS.read(env));
    }

    @Override
    public List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, WatermarkRange> reads, Path workDir) {
        return snapshot(pipeline, step, partition, reads, workDir, Duration.ZERO, stop -> { });
    }

    /**
     * Bounds the snapshot by the attempt's time: every statement gets PostgreSQL's
     * {@code statement_timeout} of the time left, and at the deadline the statements still running
     * on the snapshot's connections (found by their application name, unique to this call) are
     * cancelled with {@code pg_cancel_backend}, from a connection of their own.
     */
    @Override
    public List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, WatermarkRange> reads, Path workDir,
                                Duration timeLeft, Consumer<Runnable> onDeadline) {
        Source.Postgres source = (Source.Postgres) project.source(step.source()).orElseThrow();
        PgCredentials.Connection c = bounded(source.connection(), timeLeft, onDeadline);
        List<TableRequest> requests = step.tables().stream().map(t -> t.watermark()
                .map(w -> {
                    WatermarkRange r = reads.getOrDefault(t.output(), new WatermarkRange(Optional.empty(), Optional.empty()));
                    return new TableRequest(t.schema(), t.table(), t.output(), Optional.of(w), r.after(), r.upTo());
                })
                .orElseGet(() -> TableRequest.full(t.schema(), t.table(), t.output()))).toList();
        SnapshotSettings settings = SnapshotSettings.defaults(workDir).withLockTimeout(lockTimeout)
                .withParallelConnections(SnapshotSettings.degree(source.maxConnections()));
        return engine.snapshot(new PgConnectionInfo(c.jdbcUrl(), c.user(), c.password()), requests, workDir, settings)
                .tables().stream()
                .map(t -> new Table(t.output(), t.parquetFiles(), t.rows(), t.schemaHash(), t.newWatermark()))
                .toList();
    }

    /**
     * PostgreSQL inputs of a SQL step through the engine ({@link PostgresInputs}): one transaction
     * for every input of the connection, bounded by the attempt's time as a snapshot is.
     */
    @Override
    public List<Table> readInputs(String connection, List<PostgresInputs.Request> inputs, String timeZone, Path workDir,
                                  Duration timeLeft, Consumer<Runnable> onDeadline) {
        PgCredentials.Connection c = bounded(connection, timeLeft, onDeadline);
        return inputReader.read(new PgConnectionInfo(c.jdbcUrl(), c.user(), c.password()), inputs, timeZone, workDir,
                        SnapshotSettings.defaults(workDir).withLockTimeout(lockTimeout), ParquetFileListener.NONE)
                .tables().stream()
                .map(t -> new Table(t.output(), t.parquetFiles(), t.rows(), t.schemaHash(), t.newWatermark()))
                .toList();
    }

    /**
     * The connection's credentials; with time left, under a {@code statement_timeout} of it and an
     * application name unique to the call, whose statements {@code onDeadline} cancels.
     */
    private PgCredentials.Connection bounded(String connection, Duration timeLeft, Consumer<Runnable> onDeadline) {
        PgCredentials.Connection resolved = credentials.resolve(connection);
        if (!timeLeft.isPositive()) {
            return resolved;
        }
        String applicationName = "freshet-snapshot-" + UUID.randomUUID();
        onDeadline.accept(() -> cancelStatements(resolved, applicationName));
        return new PgCredentials.Connection(withParameters(resolved.jdbcUrl(), applicationName, timeLeft), resolved.user(), resolved.password());
    }

    /** pgjdbc reads URL parameters over its properties: the application name and the session's statement_timeout. */
    static String withParameters(String jdbcUrl, String applicationName, Duration statementTimeout) {
        String options = "-c statement_timeout=" + Math.max(1, statementTimeout.toMillis());
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "ApplicationName=" + applicationName
                + "&options=" + URLEncoder.encode(options, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void cancelStatements(PgCredentials.Connection c, String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", c.user());
        p.setProperty("password", c.password());
        p.setProperty("ApplicationName", "freshet-snapshot-cancel");
        try (Connection db = new Driver().connect(c.jdbcUrl(), p);
             PreparedStatement s = db.prepareStatement("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, applicationName);
            s.executeQuery().close();
        } catch (SQLException ignored) {
            // best effort: statement_timeout bounds each statement anyway, and the attempt's fenced writes fail
        }
    }
}
