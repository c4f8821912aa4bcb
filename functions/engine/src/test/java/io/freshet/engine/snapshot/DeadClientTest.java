package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.model.PgServerTimeouts;

/**
 * A function frozen by Lambda's timeout never closes its sockets: the server must give it up, and
 * free its locks, within minutes rather than TCP's hours ({@link PgServerTimeouts#noticeDeadClient}).
 */
class DeadClientTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @TempDir
    Path work;

    @Test
    void aSnapshotSessionHasTheServerGiveUpASilentClientAfterTwoMinutesUnlessTheServerIsStricter() throws Exception {
        SnapshotSettings settings = new SnapshotSettings("128MB", 2, work.resolve("spill"), 1);
        try (Connection c = PgSession.open(DB.info(), settings)) {
            assertEquals(List.of("30", "10", "3", "120000"), liveness(c), "seconds, seconds, probes, milliseconds");
        }
        DB.pg().execute("CREATE ROLE strict LOGIN PASSWORD 'strict'; ALTER ROLE strict SET tcp_keepalives_idle = 5;"
                + " ALTER ROLE strict SET tcp_user_timeout = 30000");
        try (Connection c = PgSession.open(new PgConnectionInfo(DB.info().jdbcUrl(), "strict", "strict"), settings)) {
            assertEquals(List.of("5", "10", "3", "30000"), liveness(c), "a stricter role's own settings are kept");
        }
    }

    private static List<String> liveness(Connection c) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (String name : List.of("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * The effect, on a real server and a real kernel: a client holding a lock freezes (its network
     * goes silent for 20 s). Without the settings the server keeps its session and its lock; with
     * them (a 12 s bound here, 2 minutes in the functions) it gives the client up, whether the
     * session sat idle in its transaction or the server was blocked sending it a COPY. Needs root
     * (a network namespace of its own) and PostgreSQL's initdb, pg_ctl and psql: skipped elsewhere.
     */
    @Test
    void aFrozenClientsLocksAreFreedOnlyWithTheSessionsSettings() throws Exception {
        assumeTrue(canFreeze(), "needs root allowed to make a network namespace, unshare, ip and PostgreSQL's initdb, pg_ctl and psql");
        String settings = PgServerTimeouts.noticeDeadClient(Duration.ofSeconds(12));
        Path script = work.resolve("frozen-client.sh");
        try (InputStream in = DeadClientTest.class.getResourceAsStream("frozen-client.sh")) {
            Files.copy(in, script);
        }
        // Each in a namespace of its own: the three run at once.
        Process control = freeze(script, "SELECT 1", "idle");
        Process idle = freeze(script, settings, "idle");
        Process copy = freeze(script, settings, "copy");
        assertEquals("locks after freeze: 1", lastLine(control), "without the settings the server keeps the frozen session");
        assertEquals("locks after freeze: 0", lastLine(idle), "idle in its transaction");
        assertEquals("locks after freeze: 0", lastLine(copy), "blocked sending a COPY");
    }

    private static Process freeze(Path script, String sessionStart, String mode) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "bash", script.toString(), sessionStart, mode).redirectErrorStream(true);
        pb.environment().put("PATH", path());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private static String lastLine(Process p) throws Exception {
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the script did not end");
        assertEquals(0, p.exitValue(), output);
        return output.lines().reduce((first, last) -> last).orElse("");
    }

    private static boolean canFreeze() throws IOException, InterruptedException {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return false;
        }
        Process id = new ProcessBuilder("id", "-u").start();
        boolean root = "0".equals(new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        id.waitFor();
        if (!root || !List.of("unshare", "ip", "initdb", "pg_ctl", "psql", "su").stream().allMatch(DeadClientTest::onPath)) {
            return false;
        }
        // Root in a container without the capability to make namespaces cannot either.
        Process probe = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    /** The caller's PATH and the system directories a non-login shell may lack ({@code ip} is in /usr/sbin). */
    private static String path() {
        return System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
    }

    private static boolean onPath(String command) {
        return List.of(path().split(":")).stream()
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }
}
