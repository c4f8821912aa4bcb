package io.freshet.tables;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;

/** How an asset's table is created: format v2, identity-partitioned, with a name mapping and commit retries. */
final class TableSetup {

    /**
     * Every table's properties. Commit retries: a commit that lost the race to another (two
     * partitions at once, a backfill beside the live path) is re-applied on the new metadata up to
     * 10 times, waiting 100 ms doubling to 5 s, for at most 5 minutes: well inside a runner's
     * Lambda timeout, and far more than two writers of one table ever need.
     */
    static final Map<String, String> PROPERTIES = Map.of(
            TableProperties.FORMAT_VERSION, "2",
            TableProperties.COMMIT_NUM_RETRIES, "10",
            TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "100",
            TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "5000",
            TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "300000");

    private TableSetup() {
    }

    /** The table, created from the first file's schema when missing (by a concurrent creator too). */
    static Table loadOrCreate(Catalog catalog, TableIdentifier id, List<ParquetFooter> footers, PartitionOutput output) {
        if (catalog.tableExists(id)) {
            return catalog.loadTable(id);
        }
        if (footers.isEmpty()) {
            throw new IllegalArgumentException("table " + id + " does not exist and an empty partition cannot create it");
        }
        Schema schema = footers.get(0).schema();
        output.partitionColumn().filter(c -> schema.findField(c) == null).ifPresent(c -> {
            throw new IncompatibleSchemaException(id.toString(), c, "the partition column is missing from the output");
        });
        output.keyColumn().filter(c -> schema.findField(c) == null).ifPresent(c -> {
            throw new IncompatibleSchemaException(id.toString(), c, "the dynamic key column is missing from the output");
        });
        ensureNamespace(catalog, id);
        try {
            Catalog.TableBuilder builder = catalog.buildTable(id, schema).withProperties(PROPERTIES);
            output.tableLocation().ifPresent(builder::withLocation);
            output.partitionColumn().ifPresent(c -> builder
                    .withPartitionSpec(spec(schema, c, output.keyColumn()))
                    // Full bounds for the partition column, which the partition check compares.
                    .withProperty(TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + c, "full"));
            // And for a dynamic key column: its values are strings, whose bounds are otherwise cut to 16 characters.
            output.keyColumn().ifPresent(k -> builder.withProperty(TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + k, "full"));
            Transaction create = builder.createTransaction();
            // The ids are the table's (assigned at creation): the mapping is made from them.
            create.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING,
                    NameMappingParser.toJson(MappingUtil.create(create.table().schema()))).commit();
            create.commitTransaction();
        } catch (RuntimeException e) {
            // Another run created it first (AlreadyExistsException, or from the JDBC catalog a
            // duplicate key as UncheckedSQLException): use theirs. Anything else is a failure.
            if (!catalog.tableExists(id)) {
                throw e;
            }
        }
        return catalog.loadTable(id);
    }

    /** Identity on the time partition column, then on the dynamic key column when the output has one. */
    private static PartitionSpec spec(Schema schema, String partitionColumn, Optional<String> keyColumn) {
        PartitionSpec.Builder spec = PartitionSpec.builderFor(schema).identity(partitionColumn);
        keyColumn.ifPresent(spec::identity);
        return spec.build();
    }

    private static void ensureNamespace(Catalog catalog, TableIdentifier id) {
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(id.namespace())) {
            try {
                namespaces.createNamespace(id.namespace());
            } catch (RuntimeException e) {
                // another run created it first (the JDBC catalog says so by a duplicate key)
                if (!namespaces.namespaceExists(id.namespace())) {
                    throw e;
                }
            }
        }
    }
}
