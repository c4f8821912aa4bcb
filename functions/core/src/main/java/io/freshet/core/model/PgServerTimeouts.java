package io.freshet.core.model;

/**
 * What Freshet's long PostgreSQL sessions (a snapshot's reads, a publication's loads) run first.
 * A server, a database or a role may set {@code statement_timeout} or {@code transaction_timeout}
 * (PostgreSQL 17) to keep an application's queries short; applied to a large table's COPY, either
 * cancels it part way. Both are turned off, as pg_dump and pg_restore turn them off, except a value
 * the caller gave as a startup option (source {@code client}): the runner bounds each statement by
 * the attempt's time left that way. One statement, whatever the server's version.
 */
public final class PgServerTimeouts {

    /** Run once per session, before any long statement. */
    public static final String CLEAR = "SELECT set_config(name, '0', false) FROM pg_settings"
            + " WHERE name IN ('statement_timeout', 'transaction_timeout') AND setting <> '0' AND source <> 'client'";

    private PgServerTimeouts() {
    }
}
