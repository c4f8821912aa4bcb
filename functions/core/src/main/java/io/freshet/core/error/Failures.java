package io.freshet.core.error;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;

import io.freshet.core.error.FreshetException.Kind;

/**
 * The kind of any failure, by the types in its cause chain, outermost decisive first: a
 * {@link FreshetException} by its own kind, a JDBC error by its SQL state, network and I/O failures
 * as transient. What nothing recognises is permanent: an unexpected error (a bug) does not go away
 * by running the same work again, and a retry would only hide it. Adapters with service types of
 * their own (the AWS SDK's) pass their rules as {@code more}.
 */
public final class Failures {

    private Failures() {
    }

    public static Kind kindOf(Throwable failure) {
        return kindOf(failure, t -> Optional.empty());
    }

    /** As {@link #kindOf(Throwable)}, asking {@code more} first about each throwable of the chain. */
    public static Kind kindOf(Throwable failure, Function<Throwable, Optional<Kind>> more) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Throwable current = t;
            Optional<Kind> decided = more.apply(current).or(() -> decisive(current));
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        return Kind.PERMANENT;
    }

    /** The kind a throwable alone decides, when it does. */
    private static Optional<Kind> decisive(Throwable t) {
        return switch (t) {
            case FreshetException e -> Optional.of(e.kind());
            case SQLException e when e.getSQLState() != null -> Optional.of(isTransientSqlState(e.getSQLState()) ? Kind.TRANSIENT : Kind.PERMANENT);
            case UncheckedIOException e -> Optional.of(Kind.TRANSIENT);
            case IOException e -> Optional.of(Kind.TRANSIENT); // sockets, timeouts, unknown hosts included
            default -> Optional.empty();
        };
    }

    /**
     * PostgreSQL's SQL states worth another attempt: connection exceptions (class 08),
     * serialization failures and deadlocks (40001, 40P01), insufficient resources (53), the
     * server shutting down or a cancelled statement (57P01-57P03, 57014), a lock not available
     * within {@code lock_timeout} (55P03).
     */
    public static boolean isTransientSqlState(String state) {
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("53")
                || state.startsWith("57P") || state.equals("57014") || state.equals("55P03");
    }
}
