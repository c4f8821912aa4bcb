package io.freshet.bench;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import org.postgresql.util.PSQLException;

import io.freshet.engine.snapshot.SnapshotException;

/**
 * The tables a run of {@code bench snapshot} could not measure, and why: a table Freshet refuses
 * (with the reason a run would give) or one the server will not read to anyone (a materialized
 * view never refreshed, a table the user of {@code --url} may not read) is named when it happens and
 * does not cost the tables after it their figures; the run lists them at its end and exits 2.
 */
final class TablesNotMeasured {

    /** One table's measurement. */
    interface Measurement {
        void run() throws Exception;
    }

    private final List<String> refused = new ArrayList<>();
    private final List<String> unread = new ArrayList<>();

    /** Runs {@code measurement} of the table {@code label}; what it cannot measure is reported and noted. */
    void measure(PrintWriter out, String label, Measurement measurement) throws Exception {
        try {
            measurement.run();
        } catch (SnapshotException e) {
            out.printf("  (d) Freshet refused %s: %s%n", label, e.getMessage());
            out.flush();
            refused.add(label);
        } catch (SQLException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (!(cause instanceof PSQLException)) { // the server's refusal only; DuckDB's driver throws SQLExceptions too
                throw e;
            }
            out.printf("  PostgreSQL did not read %s: %s%n", label, cause.getMessage().lines().findFirst().orElse(""));
            out.flush();
            unread.add(label);
        }
    }

    /** Lists the tables not measured, of {@code tables}; the exit code: 0 when every table was measured, else 2. */
    int report(PrintWriter out, int tables) {
        if (!refused.isEmpty()) {
            out.printf("%nFreshet refused %d of %d tables: %s%n", refused.size(), tables, String.join(", ", refused));
        }
        if (!unread.isEmpty()) {
            out.printf("%nPostgreSQL did not read %d of %d tables: %s%n", unread.size(), tables, String.join(", ", unread));
        }
        return refused.isEmpty() && unread.isEmpty() ? 0 : 2;
    }
}
