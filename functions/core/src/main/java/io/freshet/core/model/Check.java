package io.freshet.core.model;

import java.util.List;
import java.util.OptionalLong;

import io.freshet.core.yaml.SourcePos;

/**
 * A data test on an output, run after the steps and before anything is published. A failing
 * blocking check fails the run; a failing non-blocking one is recorded and announced only.
 */
public sealed interface Check permits Check.NotNull, Check.Unique, Check.RowCount, Check.AcceptedValues, Check.CustomSql {

    String asset();

    String name();

    boolean blocking();

    SourcePos pos();

    /** The YAML key of the check kind. */
    String kind();

    record NotNull(String asset, String name, List<String> columns, boolean blocking, SourcePos pos) implements Check {
        @Override
        public String kind() {
            return "not_null";
        }
    }

    /** The combination of {@code columns} is unique across rows. */
    record Unique(String asset, String name, List<String> columns, boolean blocking, SourcePos pos) implements Check {
        @Override
        public String kind() {
            return "unique";
        }
    }

    record RowCount(String asset, String name, OptionalLong min, OptionalLong max, boolean blocking, SourcePos pos) implements Check {
        @Override
        public String kind() {
            return "row_count";
        }
    }

    record AcceptedValues(String asset, String name, String column, List<String> values, boolean blocking, SourcePos pos) implements Check {
        @Override
        public String kind() {
            return "accepted_values";
        }
    }

    /** A query that returns the offending rows: the check passes when it returns none. */
    record CustomSql(String asset, String name, SqlText sql, boolean blocking, SourcePos pos) implements Check {
        @Override
        public String kind() {
            return "sql";
        }
    }
}
