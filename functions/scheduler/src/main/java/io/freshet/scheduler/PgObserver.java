package io.freshet.scheduler;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.postgresql.Driver;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.error.ConfigurationException;
import io.freshet.core.error.FreshetException;
import io.freshet.core.model.Observation;

/**
 * Observes a PostgreSQL source: one short connection per observation (the tick runs once a minute
 * at most per source, so a pool would only hold connections open), a read-only transaction, a
 * statement timeout well inside the tick's minute, rolled back at the end.
 */
final class PgObserver implements Observer {

    /** How long the query may run; a tick has a minute for every duty. */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The write counters of one table: inserted, updated and deleted rows since the statistics were last reset. */
    static final String CHANGES_SQL = "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_catalog.pg_stat_user_tables"
            + " WHERE schemaname = ? AND relname = ?";

    private final PgCredentials credentials;
    private final Duration statementTimeout;

    PgObserver(PgCredentials credentials) {
        this(credentials, STATEMENT_TIMEOUT);
    }

    /** With another statement timeout (tests: a timeout seen in a second, not ten). */
    PgObserver(PgCredentials credentials, Duration statementTimeout) {
        this.credentials = credentials;
        this.statementTimeout = statementTimeout;
    }

    @Override
    public String observe(Observation o) {
        PgCredentials.Connection c;
        try {
            c = credentials.resolve(o.connection());
        } catch (ConfigurationException e) {
            throw new ObservationException(o, e.getMessage(), FreshetException.Kind.PERMANENT, "", null);
        }
        Properties props = new Properties();
        props.setProperty("user", c.user());
        props.setProperty("password", c.password());
        props.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        props.setProperty("socketTimeout", Long.toString(Math.max(1, statementTimeout.toSeconds() * 2)));
        props.setProperty("ApplicationName", "freshet-observe");
        try (Connection conn = new Driver().connect(c.jdbcUrl(), props)) {
            if (conn == null) {
                throw new ObservationException(o, "not a PostgreSQL JDBC URL: " + c.jdbcUrl(), FreshetException.Kind.PERMANENT, "", null);
            }
            conn.setAutoCommit(false);
            conn.setReadOnly(true); // BEGIN READ ONLY: a query that writes fails instead of writing
            try (Statement s = conn.createStatement()) {
                s.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
            }
            try {
                return switch (o) {
                    case Observation.Query q -> firstRow(conn.prepareStatement(q.sql()));
                    case Observation.Changes ch -> counters(ch, conn);
                    case Observation.Listing l -> throw new IllegalArgumentException("an S3 listing is not a PostgreSQL observation");
                };
            } finally {
                conn.rollback();
            }
        } catch (SQLException e) {
            throw ObservationException.of(o, e);
        }
    }

    /** The first row, every column as text (NULL for a null), tab-separated; no row is a value of its own. */
    private static String firstRow(PreparedStatement query) throws SQLException {
        try (query; ResultSet rs = query.executeQuery()) {
            if (!rs.next()) {
                return "(no rows)";
            }
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                String v = rs.getString(i);
                columns.add(v == null ? "NULL" : v);
            }
            return String.join("\t", columns);
        }
    }

    private static String counters(Observation.Changes o, Connection conn) throws SQLException {
        try (PreparedStatement p = conn.prepareStatement(CHANGES_SQL)) {
            p.setString(1, o.schema());
            p.setString(2, o.table());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new ObservationException(o, "pg_stat_user_tables has no table " + o.schema() + "." + o.table()
                            + " (it does not exist, or is not a table this user can see)", FreshetException.Kind.PERMANENT, "", null);
                }
                return Long.toString(rs.getLong(1));
            }
        }
    }
}
