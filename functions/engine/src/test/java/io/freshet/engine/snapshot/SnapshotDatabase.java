package io.freshet.engine.snapshot;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.freshet.testkit.LocalPostgres;

/**
 * A real PostgreSQL for one test class's snapshots ({@code @RegisterExtension static final
 * SnapshotDatabase DB = new SnapshotDatabase()}), started before its first test and stopped after
 * its last, with the snapshot of one table the tests take most.
 */
final class SnapshotDatabase implements BeforeAllCallback, AfterAllCallback {

    private LocalPostgres pg;
    private PgConnectionInfo info;

    @Override
    public void beforeAll(ExtensionContext context) {
        pg = LocalPostgres.start();
        info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        pg.close();
    }

    LocalPostgres pg() {
        return pg;
    }

    PgConnectionInfo info() {
        return info;
    }

    /** A full snapshot of {@code public.table} into {@code work} with the default settings, as asset {@code raw.table}. */
    TableSnapshot snapshot(Path work, String table) {
        SnapshotResult result = new PostgresSnapshot().snapshot(info, List.of(TableRequest.full("public", table, "raw." + table)), work,
                SnapshotSettings.defaults(work));
        return result.table("raw." + table);
    }
}
