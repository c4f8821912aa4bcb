package io.freshet.engine.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.freshet.core.model.Check;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.EngineException;
import io.freshet.engine.sql.Identifiers;

/**
 * Runs a pipeline's checks against its outputs, which the session holds as tables named after
 * them. Each check counts offending rows; a check that cannot even run (a column that does not
 * exist, SQL that does not parse) fails with that reason rather than passing silently.
 */
public final class CheckRunner {

    private CheckRunner() {
    }

    /** @param customSql the SQL of a custom check, resolved from its inline text or file */
    public static List<CheckResult> run(DuckSession session, List<Check> checks, Function<Check.CustomSql, String> customSql) {
        List<CheckResult> results = new ArrayList<>();
        for (Check c : checks) {
            results.add(runOne(session, c, customSql));
        }
        return results;
    }

    private static CheckResult runOne(DuckSession session, Check c, Function<Check.CustomSql, String> customSql) {
        try {
            List<String> columns = session.columns(c.asset());
            String table = Identifiers.asset(c.asset());
            return switch (c) {
                case Check.NotNull n -> {
                    requireColumns(c, n.columns(), columns);
                    long bad = session.queryLong("SELECT count(*) FROM " + table + " WHERE "
                            + n.columns().stream().map(col -> Identifiers.quote(col) + " IS NULL").collect(Collectors.joining(" OR ")), c.name());
                    yield result(c, bad == 0, bad, bad + " row(s) with NULL in " + String.join(", ", n.columns()));
                }
                case Check.Unique u -> {
                    requireColumns(c, u.columns(), columns);
                    String cols = u.columns().stream().map(Identifiers::quote).collect(Collectors.joining(", "));
                    long bad = session.queryLong("SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM " + table + " GROUP BY " + cols
                            + " HAVING count(*) > 1)", c.name());
                    yield result(c, bad == 0, bad, bad + " row(s) share a value of (" + String.join(", ", u.columns()) + ")");
                }
                case Check.RowCount r -> {
                    long rows = session.count(c.asset());
                    boolean ok = (r.min().isEmpty() || rows >= r.min().getAsLong()) && (r.max().isEmpty() || rows <= r.max().getAsLong());
                    yield result(c, ok, rows, rows + " row(s), expected " + (r.min().isPresent() ? "at least " + r.min().getAsLong() : "")
                            + (r.min().isPresent() && r.max().isPresent() ? " and " : "") + (r.max().isPresent() ? "at most " + r.max().getAsLong() : ""));
                }
                case Check.AcceptedValues a -> {
                    requireColumns(c, List.of(a.column()), columns);
                    String accepted = a.values().stream().map(Identifiers::literal).collect(Collectors.joining(", "));
                    long bad = session.queryLong("SELECT count(*) FROM " + table + " WHERE " + Identifiers.quote(a.column())
                            + " IS NOT NULL AND CAST(" + Identifiers.quote(a.column()) + " AS VARCHAR) NOT IN (" + accepted + ")", c.name());
                    yield result(c, bad == 0, bad, bad + " row(s) with " + a.column() + " outside [" + String.join(", ", a.values()) + "]");
                }
                case Check.CustomSql s -> {
                    String sql = customSql.apply(s).strip();
                    while (sql.endsWith(";")) {
                        sql = sql.substring(0, sql.length() - 1).strip();
                    }
                    long bad = session.queryLong("SELECT count(*) FROM (" + sql + ") AS offending", c.name());
                    yield result(c, bad == 0, bad, bad + " offending row(s)");
                }
            };
        } catch (EngineException e) {
            return result(c, false, -1, "could not run: " + e.getMessage());
        }
    }

    private static void requireColumns(Check c, List<String> wanted, List<String> present) {
        for (String w : wanted) {
            if (!present.contains(w)) {
                throw new EngineException("column '" + w + "' is not in " + c.asset() + " (columns: " + String.join(", ", present) + ")", null);
            }
        }
    }

    private static CheckResult result(Check c, boolean passed, long failing, String detail) {
        return new CheckResult(c.asset(), c.name(), c.kind(), c.blocking(), passed, failing, detail);
    }
}
