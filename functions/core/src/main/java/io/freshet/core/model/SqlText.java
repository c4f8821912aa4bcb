package io.freshet.core.model;

import io.freshet.core.yaml.SourcePos;

/** SQL written inline in YAML or kept in a file under pipelines/sql/. */
public sealed interface SqlText permits SqlText.Inline, SqlText.File {

    SourcePos pos();

    record Inline(String sql, SourcePos pos) implements SqlText {
    }

    /** {@code path} is relative to the pipelines directory, e.g. {@code sql/core_trips.sql}. */
    record File(String path, SourcePos pos) implements SqlText {
    }
}
