package io.freshet.engine.sql;

import java.sql.SQLException;

import io.freshet.core.error.AdapterException;
import io.freshet.core.error.Failures;

/**
 * A step or check could not run: the message names the pipeline part and the cause, for the run's
 * failure reason. DuckDB's own errors (a SQL error, a type mismatch, an unreadable input) have no
 * SQL state and are permanent; otherwise the cause decides (a dropped connection is transient).
 */
public final class EngineException extends AdapterException {

    public EngineException(String message, Throwable cause) {
        super(cause == null || cause instanceof SQLException s && s.getSQLState() == null ? Kind.PERMANENT : Failures.kindOf(cause),
                message, cause);
    }
}
