package io.freshet.core.error;

import java.util.Objects;

/**
 * A failure of an outside service or library (S3, DynamoDB, EventBridge, PostgreSQL, DuckDB),
 * translated where it enters Freshet. Whether it is {@link Kind#TRANSIENT} or
 * {@link Kind#PERMANENT} depends on the service's answer (a 503 or a dropped connection may pass
 * next time, a 404 or a SQL error will not), so the translation decides it, once, from the cause:
 * see {@link Failures#kindOf(Throwable)} and the adapters' own rules.
 */
public abstract non-sealed class AdapterException extends FreshetException {

    private final Kind kind;

    protected AdapterException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        if (kind != Kind.TRANSIENT && kind != Kind.PERMANENT) {
            throw new IllegalArgumentException("an adapter failure is transient or permanent, not " + kind);
        }
        this.kind = Objects.requireNonNull(kind);
    }

    @Override
    public final Kind kind() {
        return kind;
    }
}
