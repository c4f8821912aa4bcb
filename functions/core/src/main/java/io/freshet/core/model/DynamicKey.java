package io.freshet.core.model;

import io.freshet.core.yaml.SourcePos;

/**
 * An output's dynamic key ({@code partition_by: [line]}): a column of the step's result whose
 * values, known only when the run has computed them, each become a key of the asset. A run
 * publishes one asset event per key value it wrote, and the asset's table is partitioned by the
 * time partition column and this column (identity). One string column per output.
 *
 * @param column the result column, as the SQL names it
 * @param pos    where {@code partition_by} is, for errors
 */
public record DynamicKey(String column, SourcePos pos) {
}
