package io.freshet.bench.coldstart;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.duckdb.DuckDBDriver;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.json.EventJson;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.model.Output;
import io.freshet.core.model.TableLayout;
import io.freshet.core.runs.Run;
import io.freshet.state.StateStore;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;

/**
 * What the publisher's cold starts need: the JDBC catalog in an embedded PostgreSQL (started on
 * first use; on AWS the catalog is Glue's), and runs brought to PUBLISHING as the runner brings
 * them (attempt started, each output written by DuckDB with its partition column, uploaded under
 * the attempt's key, all staged, {@code Run Outputs Staged} announced), for the bus to deliver.
 */
final class PublisherStaging implements AutoCloseable {

    private final StateStore store;
    private final LocalS3 s3;
    private final Project project;
    private final String lake;
    private final Path work;
    private final RunLauncher launcher;
    private LocalPostgres postgres;
    private int files;

    PublisherStaging(StateStore store, LocalS3 s3, PublishingAnnouncer announcer, Project project, String lake, Path work) {
        this.store = store;
        this.s3 = s3;
        this.project = project;
        this.lake = lake;
        this.work = work;
        this.launcher = new RunLauncher(store, announcer, new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(),
                Map.of()), Clock.systemUTC());
    }

    /** The publisher's catalog settings: the embedded stack's JDBC catalog, as the embedded stack sets them. */
    Map<String, String> catalogEnvironment() {
        if (postgres == null) {
            postgres = LocalPostgres.start();
        }
        return Map.of("FRESHET_CATALOG_URI", postgres.jdbcUrl(), "FRESHET_CATALOG_USER", postgres.user(),
                "FRESHET_CATALOG_PASSWORD", postgres.password());
    }

    /** Stages the run that {@code runRequested} (as the bus delivers it to the runner) asks for, and announces it staged. */
    void stage(String runRequested) {
        JsonNode request = EventJson.read(runRequested);
        String runId = EventJson.text(request, "runId");
        Run run = store.runs().run(runId).orElseThrow(() -> new IllegalStateException("no run " + runId));
        int attempt = store.runs().startAttempt(runId, Clock.systemUTC().instant().plus(Duration.ofMinutes(5))).orElseThrow();
        String code = project.codeVersion(run.pipeline());
        List<AssetEvent> events = new ArrayList<>();
        for (Output out : project.pipeline(run.pipeline()).orElseThrow().outputs()) {
            TableLayout layout = TableLayout.of(out, StackParameters.lakeBucket(lake));
            String key = layout.dataKey(run.partition(), runId, attempt);
            upload(key, layout, run.partition());
            events.add(new AssetEvent(Ids.runOutput(runId, out.asset()), out.asset(), run.partition(), Clock.systemUTC().instant(),
                    new Producer(Producer.Kind.RUN, runId), Ids.hash(16, List.of(key)), Optional.of(code), List.of("s3://" + lake + "/" + key),
                    Map.of("rows", "10")));
        }
        if (!store.runs().stageOutputs(runId, attempt, events, Map.of(), code)) {
            throw new IllegalStateException("attempt " + attempt + " of " + runId + " could not stage");
        }
        launcher.announceStaged(run, attempt);
    }

    private void upload(String key, TableLayout layout, String partition) {
        Path file = work.resolve("staged-" + (files++) + ".parquet");
        String partitionColumn = layout.partitionColumn().map(c -> ", " + c.sqlLiteral(partition) + " AS " + c.name()).orElse("");
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties()); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT 'R' || i AS route_id, i AS stops" + partitionColumn + " FROM range(0, 10) t(i)) TO '" + file
                    + "' (FORMAT parquet)");
            s3.client().putObject(b -> b.bucket(lake).key(key), file);
            Files.delete(file);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("staging " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
