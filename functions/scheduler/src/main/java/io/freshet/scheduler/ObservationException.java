package io.freshet.scheduler;

import java.sql.SQLException;

import io.freshet.core.error.AdapterException;
import io.freshet.core.model.Observation;

/**
 * An observation that could not read its value: the database refused the connection, the query
 * failed or timed out, the credentials could not be resolved, an S3 source's listing was denied or
 * failed. Reported (log, {@code Observation Failed}, metric) and retried by the next tick; it never
 * stops another source's observation.
 */
final class ObservationException extends AdapterException {

    private final String sqlState;

    ObservationException(Observation o, String reason, Kind kind, String sqlState, Throwable cause) {
        super(kind, "observing source '" + o.source() + "' (" + o.describe() + ") failed: " + reason, cause);
        this.sqlState = sqlState;
        with("source", o.source());
        with("connection", o.connection());
        with("sqlState", sqlState);
    }

    /** A JDBC failure, transient when PostgreSQL's SQLSTATE says another attempt may pass. */
    static ObservationException of(Observation o, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return new ObservationException(o, e.getMessage(), transientState(state) ? Kind.TRANSIENT : Kind.PERMANENT, state, e);
    }

    /** 08 connection, 53 resources, 57 operator intervention (57014: the statement timeout), 40 rollback (serialization). */
    static boolean transientState(String state) {
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40");
    }

    /** PostgreSQL's SQLSTATE, or S3's error code for a listing ({@code AccessDenied}); empty when there is none. */
    String sqlState() {
        return sqlState;
    }
}
