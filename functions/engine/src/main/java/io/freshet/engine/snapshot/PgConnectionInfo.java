package io.freshet.engine.snapshot;

import java.util.Locale;
import java.util.Objects;

/**
 * Where and as whom to connect to PostgreSQL. The password is never logged: {@link #toString()}
 * masks it, and so do the messages of every {@link SnapshotException}.
 *
 * @param jdbcUrl  a pgjdbc URL ({@code jdbc:postgresql://host:port/db}); credentials in the URL are
 *                 not supported (they would end up in logs), pass them here
 * @param user     the role to connect as
 * @param password its password; may be empty (trust or peer authentication)
 */
public record PgConnectionInfo(String jdbcUrl, String user, String password) {

    public PgConnectionInfo {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): " + redact(jdbcUrl));
        }
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.contains("password=")) {
            throw new IllegalArgumentException("pass the password as PgConnectionInfo.password, not in the JDBC URL");
        }
    }

    @Override
    public String toString() {
        return "PgConnectionInfo[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****") + "]";
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
