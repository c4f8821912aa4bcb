package io.freshet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.Driver;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL (zonky's embedded binaries, 17.x), started by this JVM on a free loopback port
 * and stopped by {@link #close()}: the server tests and the local benchmarks snapshot from. Each
 * instance is its own cluster with its own data directory (deleted on close), so several can run
 * at once. Works as root: zonky's binaries are built to allow it.
 *
 * <p>Quiet: the server's own output (initdb, postmaster log) goes to {@code postgres.log} in the
 * instance's directory ({@link #logFile()}) instead of through SLF4J at INFO; zonky's own INFO
 * lines are turned down to WARN when Logback is the SLF4J provider.
 *
 * <p>Tuned for tests, never for data worth keeping: {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} are off. Connections are trusted (no password check); {@link #password()}
 * is what a client should send anyway, so code paths that carry a password are exercised.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final int START_ATTEMPTS = 5;
    private static final String USER = "postgres";
    private static final String PASSWORD = "freshet-local";
    private static final String DATABASE = "postgres";

    private final EmbeddedPostgres server;
    private final Path directory;
    private final int port;
    /** Removes the directory should the JVM end without close() (zonky's own hook stops the server). */
    private final Thread cleanup;

    private LocalPostgres(EmbeddedPostgres server, Path directory, int port) {
        this.server = server;
        this.directory = directory;
        this.port = port;
        this.cleanup = new Thread(() -> deleteQuietly(directory), "LocalPostgres cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts a new, empty cluster (about a second when zonky's binaries are already extracted). */
    public static LocalPostgres start() {
        quietZonkyLogging();
        Exception last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("freshet-pg");
                Path log = dir.resolve("postgres.log");
                int port = freePort();
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setPort(port)
                        .setDataDirectory(dir.resolve("data"))
                        .setCleanDataDirectory(true)
                        .setOutputRedirector(Redirect.appendTo(log.toFile()))
                        .setErrorRedirector(Redirect.appendTo(log.toFile()))
                        .setPGStartupWait(Duration.ofSeconds(30))
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_wal_size", "4GB")
                        .setServerConfig("max_connections", "100")
                        .setServerConfig("timezone", "UTC")
                        .setServerConfig("log_min_messages", "warning")
                        .start();
                LocalPostgres local = new LocalPostgres(pg, dir, port);
                try {
                    local.execute("ALTER ROLE " + USER + " PASSWORD '" + PASSWORD + "'");
                } catch (RuntimeException e) {
                    local.close();
                    throw e;
                }
                return local;
            } catch (Exception e) {
                last = e;
                deleteQuietly(dir);
            }
        }
        throw new IllegalStateException("PostgreSQL did not start after " + START_ATTEMPTS + " attempts: " + last, last);
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}, without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /**
     * The postmaster's process id, from {@code postmaster.pid} in the data directory: the process
     * every backend is forked from (a benchmark pins it to chosen CPUs, and its backends with it).
     */
    public long serverPid() {
        try {
            return Long.parseLong(Files.readAllLines(directory.resolve("data").resolve("postmaster.pid")).get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("no postmaster.pid in " + directory.resolve("data"), e);
        }
    }

    /** The server's log (initdb and postmaster output), for a failing test to look at. */
    public Path logFile() {
        return directory.resolve("postgres.log");
    }

    /** A new connection (autocommit) as {@link #user()}; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        // The driver itself, not DriverManager: shaded jars may keep another driver's service file only.
        Connection c = new Driver().connect(jdbcUrl(), props);
        if (c == null) {
            throw new SQLException("pgjdbc refused " + jdbcUrl());
        }
        return c;
    }

    /** Runs SQL (one or several statements separated by {@code ;}) on a fresh connection. */
    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
        } finally {
            deleteQuietly(directory);
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres[" + jdbcUrl() + "]";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is not worth failing a test for
        }
    }

    /**
     * zonky logs each start at INFO ("initdb completed", "postmaster started"). With Logback as
     * the SLF4J provider (S3Proxy brings it, and Logback defaults to DEBUG on stdout), its logger
     * is set to WARN, reflectively so that the test kit does not depend on Logback; other
     * providers are configured by their own files.
     */
    private static void quietZonkyLogging() {
        Object logger = LoggerFactory.getLogger("io.zonky.test");
        try {
            Class<?> level = Class.forName("ch.qos.logback.classic.Level", false, logger.getClass().getClassLoader());
            if (!logger.getClass().getName().equals("ch.qos.logback.classic.Logger")) {
                return;
            }
            Object warn = level.getField("WARN").get(null);
            logger.getClass().getMethod("setLevel", level).invoke(logger, warn);
        } catch (ReflectiveOperationException | LinkageError e) {
            // not Logback: nothing to do
        }
    }
}
