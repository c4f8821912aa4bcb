package io.freshet.engine.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One requested table, resolved and planned: its quoted name, relation and columns as the catalog
 * has them, the index of its watermark column ({@code -1} without one), the canonical watermark
 * bounds and the directory its Parquet files go to; for a source's query ({@link PostgresInputs})
 * {@code table} names it in messages and {@code fromClause} is the subquery the COPY reads.
 */
record TablePlan(TableRequest request, String table, PgCatalog.Relation relation, List<PgColumn> columns, int watermarkIndex,
                        Optional<String> watermarkLiteral, Optional<String> upToLiteral, Path dir, Optional<String> fromClause) {

    TablePlan(TableRequest request, String table, PgCatalog.Relation relation, List<PgColumn> columns, int watermarkIndex,
              Optional<String> watermarkLiteral, Optional<String> upToLiteral, Path dir) {
        this(request, table, relation, columns, watermarkIndex, watermarkLiteral, upToLiteral, dir, Optional.empty());
    }

    /** What the COPY reads from: the quoted relation, or a source's query as a subquery ({@link PostgresInputs}). */
    String from() {
        return fromClause.orElse(table);
    }
}
