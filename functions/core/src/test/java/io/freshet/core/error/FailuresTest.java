package io.freshet.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.freshet.core.error.FreshetException.Kind;

class FailuresTest {

    private static final class Flaky extends AdapterException {
        Flaky(Kind kind, Throwable cause) {
            super(kind, "flaky", cause);
        }
    }

    private static final class BadEvent extends InputRejectedException {
        BadEvent() {
            super("bad event");
        }
    }

    @Test
    void aFreshetExceptionDecidesByItsKindOutermostFirst() {
        assertEquals(Kind.INPUT_REJECTED, Failures.kindOf(new BadEvent()));
        assertEquals(Kind.PERMANENT, Failures.kindOf(new Flaky(Kind.PERMANENT, new IOException("reset"))), "the translation decided");
        assertEquals(Kind.TRANSIENT, Failures.kindOf(new RuntimeException("wrapped", new Flaky(Kind.TRANSIENT, null))));
        assertThrows(IllegalArgumentException.class, () -> new Flaky(Kind.CONFIGURATION, null), "an adapter failure is transient or permanent");
    }

    @Test
    void jdkFailuresGoByTheirTypeAndSqlState() {
        assertEquals(Kind.TRANSIENT, Failures.kindOf(new SQLException("connection refused", "08001")));
        assertEquals(Kind.TRANSIENT, Failures.kindOf(new SQLException("lock timeout", "55P03")));
        assertEquals(Kind.PERMANENT, Failures.kindOf(new SQLException("no such table", "42P01")));
        assertEquals(Kind.PERMANENT, Failures.kindOf(new SQLException("DuckDB: Binder Error")), "no SQL state: DuckDB's own errors");
        assertEquals(Kind.TRANSIENT, Failures.kindOf(new RuntimeException(new SocketTimeoutException("read timed out"))));
        assertEquals(Kind.TRANSIENT, Failures.kindOf(new UncheckedIOException(new IOException("disk"))));
        assertEquals(Kind.PERMANENT, Failures.kindOf(new IllegalStateException("a bug")), "a programming error is permanent");
        assertEquals(Kind.PERMANENT, Failures.kindOf(new NullPointerException()));
    }

    @Test
    void onlyTransientFailuresAreRetryable() {
        for (Kind k : Kind.values()) {
            assertEquals(k == Kind.TRANSIENT, k.retryable(), k.name());
        }
    }
}
