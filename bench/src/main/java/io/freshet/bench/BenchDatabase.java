package io.freshet.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import org.postgresql.Driver;

import io.freshet.core.error.InputRejectedException;
import io.freshet.engine.snapshot.PgConnectionInfo;
import io.freshet.testkit.LocalPostgres;

/**
 * The PostgreSQL server {@code bench snapshot} reads: the embedded one it starts, or a user's own
 * ({@code --url postgresql://user:password@host:port/database}), so that tables of real data can
 * be measured where they live. Every reader is given the same server: Freshet (JDBC), the COPY
 * baselines (JDBC) and DuckDB's scanner (libpq's keyword form).
 */
final class BenchDatabase implements AutoCloseable {

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    /** The embedded server, stopped on close; null for a user's. */
    private final LocalPostgres embedded;

    private BenchDatabase(String host, int port, String database, String user, String password, LocalPostgres embedded) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    static BenchDatabase embedded() {
        LocalPostgres pg = LocalPostgres.start();
        return new BenchDatabase("127.0.0.1", pg.port(), "postgres", pg.user(), pg.password(), pg);
    }

    /** A user's server by a libpq URI, {@code postgresql://user:password@host:port/database} (port 5432 and user postgres when left out). */
    static BenchDatabase at(String url) {
        URI uri = URI.create(url);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url must be postgresql://user:password@host:port/database, not " + url);
        }
        String userInfo = uri.getRawUserInfo() == null ? "postgres" : uri.getRawUserInfo();
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        String path = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new BenchDatabase(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), decode(path), user, password, null);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The embedded server's postmaster, the parent of every backend it forks. */
    ProcessHandle serverProcess() throws IOException {
        if (embedded == null) {
            throw new IllegalStateException("only the embedded server runs here");
        }
        long pid = embedded.serverPid();
        return ProcessHandle.of(pid).orElseThrow(() -> new IOException("no postmaster process " + pid));
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    PgConnectionInfo info() {
        return new PgConnectionInfo(jdbcUrl(), user, password);
    }

    /** libpq's keyword form, for DuckDB's ATTACH (values quoted as libpq reads them). */
    String libpq() {
        return "host=" + keyword(host) + " port=" + port + " dbname=" + keyword(database) + " user=" + keyword(user) + " password=" + keyword(password);
    }

    private static String keyword(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    Connection connect() throws SQLException {
        return connect(new Properties());
    }

    private Connection connect(Properties props) throws SQLException {
        props.setProperty("user", user);
        props.setProperty("password", password);
        // The driver itself, not DriverManager: shaded jars may keep another driver's service file only.
        Connection c = new Driver().connect(jdbcUrl(), props);
        if (c == null) {
            throw new SQLException("the driver refused " + jdbcUrl());
        }
        return c;
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a script's statements ({@link SqlScript}) one after the other on one connection, each
     * outside a transaction block unless the script opens one, as psql runs a file: VACUUM and
     * CREATE INDEX CONCURRENTLY run. The first that fails stops it.
     */
    void executeScript(List<SqlScript.Statement> statements) throws ScriptException {
        Properties props = new Properties();
        props.setProperty("preferQueryMode", "simple"); // each statement's text as written, as psql sends it
        SqlScript.Statement at = null;
        try (Connection c = connect(props); Statement s = c.createStatement()) {
            for (SqlScript.Statement statement : statements) {
                at = statement;
                s.execute(statement.sql());
            }
        } catch (SQLException e) {
            throw new ScriptException(at, e);
        }
    }

    /**
     * A statement of the user's SQL file failed in PostgreSQL: the file is bad, not the bench
     * ({@code statement} is null when no connection was made).
     */
    static final class ScriptException extends InputRejectedException {
        final transient SqlScript.Statement statement;

        ScriptException(SqlScript.Statement statement, SQLException cause) {
            super(cause.getMessage(), cause);
            this.statement = statement;
        }
    }

    /** Where it is, for the report: never the password. */
    String describe() {
        return isEmbedded() ? "embedded PostgreSQL on port " + port : user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
