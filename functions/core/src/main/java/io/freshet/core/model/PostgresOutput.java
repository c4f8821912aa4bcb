package io.freshet.core.model;

import java.util.List;
import java.util.Locale;

import io.freshet.core.yaml.SourcePos;

/**
 * Where an output is also loaded, in PostgreSQL (a warehouse for dashboards): the publisher loads
 * each published partition into {@code schema.table} of {@code connection} in one transaction,
 * after the lake table's checks and before the run's events are recorded.
 *
 * @param key the columns that identify a row, for {@link Mode#MERGE}; empty for {@link Mode#REPLACE_PARTITION}
 */
public record PostgresOutput(String connection, String schema, String table, Mode mode, List<String> key,
                             SourcePos connectionPos, SourcePos tablePos, SourcePos pos) {

    public PostgresOutput {
        key = List.copyOf(key);
    }

    /** {@code schema.table}, as written. */
    public String qualifiedName() {
        return schema + "." + table;
    }

    /** How a partition's rows land in the table. */
    public enum Mode {
        /**
         * The partition's rows replace those of the table whose partition column holds the run's
         * partition; an unpartitioned asset replaces the whole table.
         */
        REPLACE_PARTITION,
        /** Rows are upserted by {@link PostgresOutput#key()}: inserted when new, updated when their key exists. */
        MERGE;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
