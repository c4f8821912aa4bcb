package io.freshet.runner;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.iceberg.catalog.Namespace;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.lineage.RunLineage;
import io.freshet.publisher.PublisherService;
import io.freshet.state.StateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.tables.CatalogConfig;
import io.freshet.tables.LakeHousekeeping;
import io.freshet.tables.LakeTables;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;

/**
 * The lake's tables beside the runner in its tests: the publisher on a JDBC catalog (an embedded
 * PostgreSQL) with the tests' S3, and the bus between them as the template's rule connects them:
 * every announcement is noted, and {@code Run Outputs Staged} is delivered to the publisher.
 */
final class TestLake implements AutoCloseable {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final LocalPostgres postgres;
    private final boolean ownsPostgres;
    private final LocalS3 s3;

    private TestLake(LocalPostgres postgres, boolean ownsPostgres, LocalS3 s3) {
        this.postgres = postgres;
        this.ownsPostgres = ownsPostgres;
        this.s3 = s3;
    }

    /** A lake with its own embedded PostgreSQL for the catalog. */
    static TestLake start(LocalS3 s3) {
        return new TestLake(LocalPostgres.start(), true, s3);
    }

    /** A lake whose catalog lives in a PostgreSQL the test runs anyway. */
    static TestLake on(LocalPostgres postgres, LocalS3 s3) {
        return new TestLake(postgres, false, s3);
    }

    /** A publisher of its own namespace (so tests never share a table), announcing to {@code announced}. */
    PublisherService publisher(Project project, StateStore store, String lakeBucket, List<String> announced, Clock clock, FaultPoints faults) {
        return publisher(project, store, lakeBucket, announced, clock, faults, RunLineage.NONE);
    }

    /** The same, emitting a published run's OpenLineage COMPLETE to {@code lineage} (as the runner's START goes there). */
    PublisherService publisher(Project project, StateStore store, String lakeBucket, List<String> announced, Clock clock, FaultPoints faults,
                               RunLineage lineage) {
        CatalogConfig.Local config = new CatalogConfig.Local(postgres.jdbcUrl(), postgres.user(), postgres.password(),
                "s3://" + lakeBucket + "/", s3.endpoint(), LocalS3.REGION.id(), "local", "local");
        LakeTables tables = new LakeTables(config, Namespace.of("runner_test_" + NAMESPACES.incrementAndGet()));
        return new PublisherService(project, store, tables, lakeBucket, noting(announced), JsonLog.stdout("publisher"), clock, faults,
                LakeHousekeeping.DEFAULT_RETENTION, lineage);
    }

    /** The bus: notes every announcement as {@code "<detail-type> <json>"} and delivers staged outputs to {@code publisher}. */
    static Announcer bus(List<String> announced, PublisherService publisher) {
        Announcer noting = noting(announced);
        return (type, json) -> {
            noting.announce(type, json);
            if (EventJson.RUN_OUTPUTS_STAGED.equals(type)) {
                publisher.publish(EventJson.text(EventJson.read(json), "runId"));
            }
        };
    }

    private static Announcer noting(List<String> announced) {
        return (type, json) -> announced.add(type + " " + json);
    }

    @Override
    public void close() {
        if (ownsPostgres) {
            postgres.close();
        }
    }
}
