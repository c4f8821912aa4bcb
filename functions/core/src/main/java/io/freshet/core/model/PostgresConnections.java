package io.freshet.core.model;

/**
 * The bounds of a PostgreSQL source's {@code max_connections:}: how many connections one snapshot
 * may open to the database at once (a large table is read in ranges, one per connection). Small
 * by default so that a snapshot never starves the operational database of connections.
 */
public final class PostgresConnections {

    /** Without {@code max_connections:}. */
    public static final int DEFAULT_MAX = 4;
    /** The most a source may allow: beyond it a snapshot's connections would rival an application's pool. */
    public static final int LIMIT = 32;

    private PostgresConnections() {
    }
}
