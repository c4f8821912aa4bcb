package io.freshet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.freshet.core.error.Failures;
import io.freshet.core.error.FreshetException.Kind;
import io.freshet.engine.snapshot.SnapshotException;
import io.freshet.engine.sql.EngineException;

/**
 * The engine's boundary: DuckDB's and PostgreSQL's failures become EngineException and
 * SnapshotException of the kind their cause decides, as the runner's retries classified them
 * before the hierarchy (its RunAttemptsTest holds the same cases).
 */
class EngineFailureKindsTest {

    @Test
    void duckDbsOwnErrorsArePermanentAConnectionsFailureTransient() {
        assertEquals(Kind.PERMANENT, new EngineException("computing 'core.p': Binder Error", new SQLException("Binder Error")).kind());
        assertEquals(Kind.PERMANENT, new EngineException("computing 'core.p'", null).kind());
        assertEquals(Kind.TRANSIENT, new EngineException("reading raw.taps", new IOException("connection reset")).kind());
        assertEquals(Kind.TRANSIENT, new EngineException("reading", new SQLException("gone", "08006")).kind());
    }

    @Test
    void aSnapshotsCauseDecidesWithoutOneItIsPermanent() {
        assertEquals(Kind.TRANSIENT, new SnapshotException(null, "PostgreSQL", new SQLException("refused", "08001")).kind());
        assertEquals(Kind.PERMANENT, new SnapshotException("\"public\".\"x\"", "missing", new SQLException("no table", "42P01")).kind());
        assertEquals(Kind.PERMANENT, new SnapshotException("\"public\".\"x\"", "the schema changed").kind());
        assertEquals(Kind.TRANSIENT, Failures.kindOf(new RuntimeException("step", new SnapshotException(null, "PostgreSQL",
                new SQLException("refused", "08001")))));
    }
}
