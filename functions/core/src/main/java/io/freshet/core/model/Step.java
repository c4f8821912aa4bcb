package io.freshet.core.model;

import java.util.List;
import java.util.Optional;

import io.freshet.core.yaml.SourcePos;

/** One unit of work in a run. Steps run in order; outputs are published only after all steps and checks pass. */
public sealed interface Step permits Step.Snapshot, Step.Sql {

    SourcePos pos();

    /** The outputs this step writes. */
    List<String> outputs();

    /** A consistent snapshot of PostgreSQL tables (one transaction for all of them), each table to one output. */
    record Snapshot(String source, List<SnapshotTable> tables, SourcePos pos) implements Step {
        @Override
        public List<String> outputs() {
            return tables.stream().map(SnapshotTable::output).toList();
        }
    }

    /**
     * A table in a snapshot. With a {@code watermark} column the snapshot is incremental: only rows
     * whose watermark is past the last published one are read.
     */
    record SnapshotTable(String schema, String table, String output, Optional<String> watermark, SourcePos pos) {
        public String qualifiedName() {
            return schema + "." + table;
        }
    }

    /**
     * A DuckDB query whose result becomes {@code output}; inputs are views named after their assets.
     *
     * @param forEach when present, the query runs once per object of one S3 source input, each run
     *                seeing that input narrowed to its object, and the results are unioned
     */
    record Sql(String output, SqlText sql, Optional<ForEach> forEach, SourcePos pos) implements Step {

        public Sql(String output, SqlText sql, SourcePos pos) {
            this(output, sql, Optional.empty(), pos);
        }

        @Override
        public List<String> outputs() {
            return List.of(output);
        }
    }

    /**
     * {@code for_each}: one task per object of an S3 source input, at most {@code parallelism} at once.
     *
     * @param input the input whose objects are iterated; empty when the pipeline's only S3 source input is meant ({@code for_each: object})
     */
    record ForEach(Optional<String> input, int parallelism, SourcePos pos) {

        /** Tasks at once when not given: small, as a run's Lambda has a few cores and one memory budget. */
        public static final int DEFAULT_PARALLELISM = 4;
        public static final int MAX_PARALLELISM = 32;
    }
}
