package io.freshet.engine.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.postgresql.util.PSQLException;

/**
 * Plans each requested table before and again under the snapshot's locks: resolves the relation
 * and its columns in the catalog, checks the watermark column, has PostgreSQL validate and
 * canonicalise the watermark bounds, picks the output directory, and writes the COPY statement.
 */
final class TablePlanner {

    private TablePlanner() {
    }

    /** PostgreSQL's canonical text of the non-finite values of the watermark types (dates, timestamps, numeric). */
    private static final Set<String> NON_FINITE = Set.of("infinity", "-infinity", "Infinity", "-Infinity", "NaN");

    static List<TablePlan> preflight(PgCatalog catalog, Connection c, List<TableRequest> tables, Path workDir) throws SQLException {
        List<TablePlan> plans = new ArrayList<>();
        Map<String, Integer> dirs = new HashMap<>();
        for (TableRequest t : tables) {
            String name = t.displayName();
            PgCatalog.Relation relation = catalog.relation(t.schema(), t.table()).orElseThrow(() -> missing(catalog, t));
            if (!relation.readable()) {
                throw new SnapshotException(name, "is a " + relation.kindName() + ", not a table or view");
            }
            TablePlan plan = plan(t, relation, catalog.columns(relation), Optional.empty(), Optional.empty(), outputDir(workDir, t.output(), dirs));
            Optional<String> literal = Optional.empty();
            if (t.lastWatermark().isPresent()) {
                literal = Optional.of(canonicalWatermark(c, plan, "last watermark", t.lastWatermark().get()));
            }
            Optional<String> upTo = Optional.empty();
            if (t.upTo().isPresent()) {
                upTo = Optional.of(canonicalWatermark(c, plan, "upper watermark", t.upTo().get()));
            }
            plans.add(new TablePlan(t, name, relation, plan.columns(), plan.watermarkIndex(), literal, upTo, plan.dir()));
        }
        return plans;
    }

    private static SnapshotException missing(PgCatalog catalog, TableRequest t) {
        try {
            if (!catalog.schemaExists(t.schema())) {
                return new SnapshotException(t.displayName(), "schema " + Sql.quoteIdent(t.schema()) + " does not exist");
            }
        } catch (SQLException e) {
            return new SnapshotException(t.displayName(), "does not exist", e);
        }
        return new SnapshotException(t.displayName(), "table does not exist in schema " + Sql.quoteIdent(t.schema()));
    }

    private static TablePlan plan(TableRequest t, PgCatalog.Relation relation, List<PgColumn> columns, Optional<String> literal,
                             Optional<String> upTo, Path dir) {
        String name = t.displayName();
        if (columns.isEmpty()) {
            throw new SnapshotException(name, "has no columns; a Parquet file needs at least one");
        }
        Map<String, String> folded = new HashMap<>();
        for (PgColumn c : columns) {
            String other = folded.putIfAbsent(asciiLower(c.name()), c.name());
            if (other != null) {
                throw new SnapshotException(name, "columns " + Sql.quoteIdent(other) + " and " + Sql.quoteIdent(c.name())
                        + " differ only in case; DuckDB (and many Parquet readers) cannot tell them apart");
            }
        }
        int watermarkIndex = -1;
        if (t.watermarkColumn().isPresent()) {
            String wm = t.watermarkColumn().get();
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(wm)) {
                    watermarkIndex = i;
                }
            }
            if (watermarkIndex < 0) {
                throw new SnapshotException(name, "watermark column " + Sql.quoteIdent(wm) + " does not exist (columns: "
                        + columns.stream().map(c -> Sql.quoteIdent(c.name())).collect(Collectors.joining(", ")) + ")");
            }
            PgColumn c = columns.get(watermarkIndex);
            if (!c.kind().canBeWatermark()) {
                throw new SnapshotException(name, "watermark column " + Sql.quoteIdent(wm) + " is of type " + c.pgType()
                        + "; a watermark must be an integer, numeric, date, timestamp or timestamptz column");
            }
        }
        return new TablePlan(t, name, relation, columns, watermarkIndex, literal, upTo, dir);
    }

    private static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return b.toString();
    }

    /**
     * PostgreSQL's own text for a watermark bound as a value of the column's type; refuses what is
     * not one, and a non-finite value (recorded before such values were refused, or typed by hand):
     * nothing is past {@code infinity} or {@code NaN}, so a snapshot from there would read nothing.
     */
    private static String canonicalWatermark(Connection c, TablePlan plan, String what, String value) throws SQLException {
        PgColumn column = plan.columns().get(plan.watermarkIndex());
        String sql = "SELECT CAST(CAST(? AS text) AS " + column.pgType() + ")::text";
        String canonical;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                canonical = rs.getString(1);
            }
        } catch (PSQLException e) {
            throw new SnapshotException(plan.table(), what + " '" + value + "' is not a valid " + column.pgType()
                    + " for watermark column " + Sql.quoteIdent(column.name()) + ": " + e.getServerErrorMessage(), e);
        }
        if (NON_FINITE.contains(canonical)) {
            throw new SnapshotException(plan.table(), what + " '" + canonical + "' of watermark column " + Sql.quoteIdent(column.name())
                    + " is not a finite value: no row is past it, so an incremental snapshot from it would read nothing");
        }
        return canonical;
    }

    private static Path outputDir(Path workDir, String output, Map<String, Integer> dirs) {
        String dir = output.replaceAll("[^A-Za-z0-9._=-]", "_");
        if (dir.equals(".") || dir.equals("..")) {
            dir = "_" + dir;
        }
        int n = dirs.merge(dir, 1, Integer::sum);
        if (n > 1) {
            dir = dir + "-" + n;
        }
        return workDir.resolve(dir);
    }

    /** The columns again, now under the locks, so they are the definitions the COPY will read. */
    static List<TablePlan> reread(PgCatalog catalog, List<TablePlan> plans) throws SQLException {
        List<TablePlan> out = new ArrayList<>();
        for (TablePlan p : plans) {
            TablePlan fresh = plan(p.request(), p.relation(), catalog.columns(p.relation()), p.watermarkLiteral(), p.upToLiteral(), p.dir());
            out.add(fresh);
        }
        return out;
    }

    static String copySql(TablePlan plan) {
        return copySql(plan, TableRange.WHOLE);
    }

    /**
     * The COPY of one range of the table: the watermark bounds and the range's pages, all of them
     * conditions together; for leaf partitions, one SELECT of each under UNION ALL, the columns named
     * (a partition attached from a table of another column order has its own attribute numbers).
     */
    static String copySql(TablePlan plan, TableRange range) {
        return copySql(plan, range, Optional.empty());
    }

    /**
     * As {@link #copySql(TablePlan, TableRange)}, the columns as stored (no casts to text): what
     * PostgreSQL alone emits for the same rows; except the columns it cannot send in binary
     * ({@code textOnly}), cast to text as any binary reader must.
     */
    static String storedCopySql(TablePlan plan, TableRange range, Set<String> textOnly) {
        return copySql(plan, range, Optional.of(textOnly));
    }

    /** {@code stored}: the columns as stored (but those named, cast to text), else as Freshet decodes them. */
    private static String copySql(TablePlan plan, TableRange range, Optional<Set<String>> stored) {
        if (range.leaves().isEmpty()) {
            return "COPY (" + select(plan, plan.from(), range, stored) + ") TO STDOUT (FORMAT binary)";
        }
        List<String> selects = new ArrayList<>();
        for (TableRange.LeafPart part : range.leaves()) {
            selects.add(select(plan, part.leaf(), part.pages(), stored));
        }
        return "COPY (" + String.join(" UNION ALL ", selects) + ") TO STDOUT (FORMAT binary)";
    }

    private static String select(TablePlan plan, String from, TableRange range, Optional<Set<String>> stored) {
        StringBuilder sql = new StringBuilder("SELECT ");
        List<PgColumn> columns = plan.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sql.append(", ");
            }
            String name = columns.get(i).name();
            if (stored.isEmpty()) {
                sql.append(columns.get(i).selectExpression());
            } else if (stored.get().contains(name)) {
                sql.append("CAST(").append(Sql.quoteIdent(name)).append(" AS text)");
            } else {
                sql.append(Sql.quoteIdent(name));
            }
        }
        sql.append(" FROM ").append(from);
        List<String> where = new ArrayList<>();
        if (plan.watermarkIndex() >= 0) {
            PgColumn wm = columns.get(plan.watermarkIndex());
            String column = Sql.quoteIdent(wm.name());
            plan.watermarkLiteral().ifPresent(after -> where.add(column + " > " + typed(after, wm)));
            plan.upToLiteral().ifPresent(upTo -> where.add(plan.watermarkLiteral().isPresent()
                    ? column + " <= " + typed(upTo, wm)
                    : "(" + column + " IS NULL OR " + column + " <= " + typed(upTo, wm) + ")")); // from the start: NULLs as a first run read them
        }
        if (!range.condition().isEmpty()) {
            where.add(range.condition());
        }
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        return sql.toString();
    }

    private static String typed(String literal, PgColumn column) {
        return "CAST(" + Sql.quoteLiteral(literal) + " AS " + column.pgType() + ")";
    }
}
