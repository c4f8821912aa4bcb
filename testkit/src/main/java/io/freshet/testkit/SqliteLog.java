package io.freshet.testkit;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * sqlite4java (under DynamoDB Local) logs every statement at INFO through java.util.logging; a
 * benchmark's or the CLI's output is not the place for it. Its own class because the test kit
 * otherwise logs through SLF4J, whose {@code Logger} has the same simple name.
 */
final class SqliteLog {

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final Logger LOG = Logger.getLogger("com.almworks.sqlite4java");

    private SqliteLog() {
    }

    static void quiet() {
        LOG.setLevel(Level.WARNING);
    }
}
