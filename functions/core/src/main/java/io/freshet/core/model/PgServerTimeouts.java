package io.freshet.core.model;

import java.time.Duration;

/**
 * What Freshet's long PostgreSQL sessions (a snapshot's reads, a publication's loads) run first,
 * in one round trip ({@link #SESSION_START}).
 *
 * <p>A server, a database or a role may set {@code statement_timeout} or {@code transaction_timeout}
 * (PostgreSQL 17) to keep an application's queries short; applied to a large table's COPY, either
 * cancels it part way. Both are turned off ({@link #SESSION_START}), as pg_dump and pg_restore turn them
 * off, except a value the caller gave as a startup option (source {@code client}): the runner bounds
 * each statement by the attempt's time left that way.
 *
 * <p>A function frozen by Lambda's timeout (or a sandbox that vanished) never closes its sockets,
 * and the server learns the client is gone only from TCP: by default after two hours of keepalive
 * silence, or some fifteen minutes of unacknowledged sends. Until then the backend keeps its locks:
 * a snapshot's ACCESS SHARE locks (which queue an application's {@code ALTER TABLE}, and every query
 * behind it) and the exporting session's open transaction, or a publication's advisory lock, which
 * its own retry then waits for. {@link #noticeDeadClient} has the server probe a silent client
 * after 30 s and give up on one that does not answer, or does not take what it is sent, for 2
 * minutes. A live client that stops reading for 2 minutes is cut too (Linux applies the same
 * timeout to a receive window held shut); Freshet's readers block for seconds at most.
 */
public final class PgServerTimeouts {

    /** The server's statement and transaction timeouts to turn off (to 0), where they are on and not the caller's own. */
    private static final String CLEARED = "('statement_timeout', 0, true), ('transaction_timeout', 0, true)";

    /** How long the server waits for a silent client before it ends the session and frees its locks. */
    public static final Duration DEAD_CLIENT_AFTER = Duration.ofMinutes(2);

    /**
     * The statement and transaction timeouts off and a dead client noticed ({@link #noticeDeadClient}),
     * in one round trip and one statement: run once per session, before any long statement.
     * One statement, because each reads {@code pg_settings}, which builds a row for every setting
     * the server has (about 1 ms of the server's time a read, more as a session's first query).
     */
    public static final String SESSION_START = changed(CLEARED + ", " + deadClientSettings(DEAD_CLIENT_AFTER));

    /**
     * The server's TCP keepalive and user timeout for this session, so that it gives a silent client
     * up after {@code giveUpAfter}: keepalive probes from a quarter of it on, the user timeout at it
     * (on Linux it also ends the keepalive probing). Each is set only where the server's own is looser
     * (0 is the system's default: two hours of keepalive idle, no user timeout) and only where the
     * server has the setting ({@code tcp_user_timeout} is PostgreSQL 12's). On a Unix-domain socket
     * PostgreSQL ignores them.
     */
    public static String noticeDeadClient(Duration giveUpAfter) {
        return changed(deadClientSettings(giveUpAfter));
    }

    /** Settings to tighten to a value, where the server's is 0 (off) or looser. */
    private static String deadClientSettings(Duration giveUpAfter) {
        long seconds = Math.max(4, giveUpAfter.toSeconds());
        return "('tcp_keepalives_idle', " + seconds / 4 + ", false), ('tcp_keepalives_interval', " + Math.max(1, seconds / 12) + ", false),"
                + " ('tcp_keepalives_count', 3, false), ('tcp_user_timeout', " + seconds * 1000 + ", false)";
    }

    /** The statement that applies {@code rows} (name, value, whether to clear) where the server has the setting and it needs the change. */
    private static String changed(String rows) {
        return "SELECT set_config(s.name, s.value::text, false) FROM (VALUES " + rows + ") AS s(name, value, clear)"
                + " JOIN pg_settings p USING (name) WHERE CASE WHEN s.clear THEN p.setting <> '0' AND p.source <> 'client'"
                + " ELSE p.setting::int = 0 OR p.setting::int > s.value END";
    }

    private PgServerTimeouts() {
    }
}
