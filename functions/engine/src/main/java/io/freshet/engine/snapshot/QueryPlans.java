package io.freshet.engine.snapshot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.postgresql.core.Field;
import org.postgresql.jdbc.PgResultSetMetaData;

import io.freshet.core.model.PgQueryText;

/**
 * Plans a source's query for {@link PostgresInputs}: placeholders rewritten to read their bound
 * values, the result's columns described by PostgreSQL without running the query.
 *
 * <p>The columns' type oids and modifiers are what pgjdbc received in the row description; its
 * public API gives only type names and JDBC approximations of the modifier, so they are read from
 * its metadata object's {@code fields} (reached with a private lookup, and checked at class load
 * with a clear error if a pgjdbc upgrade moved them).
 */
final class QueryPlans {

    private static final VarHandle FIELDS = fields();

    private QueryPlans() {
    }

    private static VarHandle fields() {
        try {
            return MethodHandles.privateLookupIn(PgResultSetMetaData.class, MethodHandles.lookup())
                    .findVarHandle(PgResultSetMetaData.class, "fields", Field[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("pgjdbc's PgResultSetMetaData.fields moved (reading query column types needs it): " + e);
        }
    }

    /** The transaction-local setting a placeholder is bound to. */
    static String setting(String name) {
        return "freshet." + name;
    }

    /** The SQL that reads placeholder {@code name} back as a value of its type. */
    static String expression(String name, PostgresInputs.Parameter p) {
        String text = "current_setting(" + Sql.quoteLiteral(setting(name)) + ")";
        return p.pgType().equals("text") ? text : "CAST(NULLIF(" + text + ", '') AS " + p.pgType() + ")";
    }

    static TablePlan plan(PgCatalog catalog, Connection pg, PostgresInputs.Query q, Path workDir) throws SQLException {
        String name = "query of " + q.output();
        String rewritten = PgQueryText.rewrite(q.sql(), placeholder -> {
            PostgresInputs.Parameter p = q.parameters().get(placeholder);
            if (p == null) {
                throw new SnapshotException(name, "placeholder {" + placeholder + "} has no value");
            }
            return expression(placeholder, p);
        });
        // A newline before the parenthesis: the query may end in a -- comment.
        String from = "(" + rewritten + "\n) AS freshet_query";
        List<PgColumn> columns = new ArrayList<>();
        try (PreparedStatement ps = pg.prepareStatement("SELECT * FROM " + from)) {
            ResultSetMetaData md = ps.getMetaData(); // Parse and Describe only: nothing is executed
            Field[] fields = (Field[]) FIELDS.get(md.unwrap(PgResultSetMetaData.class));
            for (Field f : fields) {
                columns.add(catalog.resultColumn(f.getColumnLabel(), Integer.toUnsignedLong(f.getOID()), f.getMod()));
            }
        } catch (SQLException e) {
            throw new SnapshotException(name, "PostgreSQL: " + e.getMessage(), e);
        }
        uniqueNames(name, columns);
        TableRequest request = TableRequest.full("query", q.output(), q.output());
        return new TablePlan(request, name, new PgCatalog.Relation(0, 'q', 0, 0), columns, -1, Optional.empty(), Optional.empty(),
                workDir.resolve(q.output().replaceAll("[^A-Za-z0-9._=-]", "_")), Optional.of(from));
    }

    /** The COPY selects the columns by name, and DuckDB tells names apart without case. */
    private static void uniqueNames(String name, List<PgColumn> columns) {
        if (columns.isEmpty()) {
            throw new SnapshotException(name, "returns no columns; a Parquet file needs at least one");
        }
        Map<String, String> seen = new HashMap<>();
        for (PgColumn c : columns) {
            String other = seen.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c.name());
            if (other != null) {
                throw new SnapshotException(name, "two columns are named " + Sql.quoteIdent(c.name())
                        + (other.equals(c.name()) ? "" : " and " + Sql.quoteIdent(other)) + "; name each column once (AS)");
            }
        }
    }
}
