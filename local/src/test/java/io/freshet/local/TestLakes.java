package io.freshet.local;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.iceberg.catalog.Namespace;

import io.freshet.aws.JsonLog;
import io.freshet.core.load.Project;
import io.freshet.publisher.PublisherService;
import io.freshet.state.StateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.state.protocol.RunAnnouncer;
import io.freshet.tables.CatalogConfig;
import io.freshet.tables.LakeHousekeeping;
import io.freshet.tables.LakeTables;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;

/**
 * The publisher of the local module's test worlds (time, crashes): Iceberg's JDBC catalog in one
 * embedded PostgreSQL the JVM shares (started on first use, stopped at exit), each world in a
 * database of its own (so every world's tables are in the stack's namespace, {@code freshet_freshet},
 * as the CLI names them), its files on the world's S3.
 */
final class TestLakes {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** The namespace of a stack with prefix {@code freshet} (EmbeddedFanOut's bus), as TableNames names it. */
    static final Namespace NAMESPACE = Namespace.of("freshet_freshet");
    private static LocalPostgres shared;

    private TestLakes() {
    }

    static synchronized LocalPostgres postgres() {
        if (shared == null) {
            LocalPostgres started = LocalPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            shared = started;
        }
        return shared;
    }

    /** A publisher of {@code project} over {@code store}, committing to a catalog database no other world uses. */
    static PublisherService publisher(Project project, StateStore store, LocalS3 s3, String lakeBucket, RunAnnouncer announcer,
                                      JsonLog log, Clock clock, FaultPoints faults) {
        LocalPostgres pg = postgres();
        String database = "lake_" + DATABASES.incrementAndGet();
        pg.execute("CREATE DATABASE " + database);
        String url = pg.jdbcUrl().substring(0, pg.jdbcUrl().lastIndexOf('/') + 1) + database;
        CatalogConfig.Local config = new CatalogConfig.Local(url, pg.user(), pg.password(), "s3://" + lakeBucket + "/",
                s3.endpoint(), LocalS3.REGION.id(), "local", "local");
        LakeTables tables = new LakeTables(config, NAMESPACE);
        return new PublisherService(project, store, tables, lakeBucket, announcer, log, clock, faults, LakeHousekeeping.DEFAULT_RETENTION);
    }
}
