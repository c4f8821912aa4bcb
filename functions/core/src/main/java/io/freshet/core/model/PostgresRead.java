package io.freshet.core.model;

import java.util.List;
import java.util.Objects;

import io.freshet.core.yaml.SourcePos;

/**
 * What a PostgreSQL source reads when a pipeline lists it among its inputs and a SQL step reads
 * it as a view: one table (or view) of the connection, or one query whose run-context
 * placeholders ({@code {partition_start}}, ...) the runner binds as parameters.
 */
public sealed interface PostgresRead permits PostgresRead.Table, PostgresRead.Query {

    /** Where it was declared (the {@code table} or {@code query} key). */
    SourcePos pos();

    /** What goes into a reading pipeline's code version: a changed table or query changes what it computes. */
    String canonical();

    /**
     * A relation by its exact catalog names ({@code pg_namespace.nspname}, {@code pg_class.relname}):
     * case-sensitive and never spliced into SQL unquoted.
     */
    record Table(String schema, String table, SourcePos pos) implements PostgresRead {
        public Table {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(table, "table");
        }

        public String qualifiedName() {
            return schema + "." + table;
        }

        @Override
        public String canonical() {
            return "table:" + schema.length() + ":" + schema + ":" + table;
        }
    }

    /**
     * A query, with the placeholders it uses (distinct, in order of first use).
     *
     * @param sql          the query as written
     * @param placeholders the names of its {@code {name}} placeholders ({@link PgQueryText})
     */
    record Query(String sql, List<String> placeholders, SourcePos pos) implements PostgresRead {
        public Query {
            Objects.requireNonNull(sql, "sql");
            placeholders = List.copyOf(placeholders);
        }

        @Override
        public String canonical() {
            return "query:" + sql;
        }
    }
}
