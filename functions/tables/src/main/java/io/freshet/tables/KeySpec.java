package io.freshet.tables;

import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types.NestedField;

/**
 * A table's partitioning agrees with its output's dynamic key: a keyed output (partition_by) goes
 * to a table partitioned by its time column and then its key column (identity), an output without
 * a key to a table partitioned by its time column only. A table made before an output gained or
 * lost its key cannot take the other kind of files: their key column would not be their partition.
 */
final class KeySpec {

    private KeySpec() {
    }

    /** The key column's field of the table; null for an output without a key. */
    static NestedField require(TableIdentifier id, Table table, PartitionOutput output) {
        int fields = table.spec().fields().size();
        if (output.keyColumn().isEmpty()) {
            if (fields > 1) {
                throw new IncompatibleSchemaException(id.toString(), table.spec().fields().get(1).name(),
                        "the table is partitioned by this dynamic key, which the output no longer declares (partition_by);"
                                + " keep it, or publish the output as a new table");
            }
            return null;
        }
        String key = output.keyColumn().get();
        NestedField field = table.schema().findField(key);
        boolean partitioned = field != null && fields == 2 && table.spec().fields().stream()
                .anyMatch((PartitionField f) -> f.sourceId() == field.fieldId() && f.transform().isIdentity());
        if (!partitioned) {
            throw new IncompatibleSchemaException(id.toString(), key, "the output's dynamic key (partition_by) is not the table's"
                    + " second partition column: the table was made before the output had it; publish the output as a new table");
        }
        return field;
    }
}
