package io.freshet.tables;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The lake's Iceberg tables: one per asset ({@link TableNames}), partitioned by the asset's
 * partition column (identity). {@link #publish} publishes one partition of a run attempt as one
 * Iceberg transaction that replaces exactly that partition, with the run and attempt in the
 * snapshot summary; {@link #findCommit} finds that snapshot again, which makes the commit
 * idempotent per run attempt. Not thread-confined: several threads may commit at once (Iceberg
 * retries a commit that lost a race, {@link TableSetup#PROPERTIES}).
 */
public final class LakeTables implements AutoCloseable {

    /** The snapshot summary's key for the run id. */
    public static final String RUN_ID = "freshet.run-id";
    /** The snapshot summary's key for the attempt. */
    public static final String ATTEMPT = "freshet.attempt";

    private final Catalog catalog;
    private final FileIO io;
    private final Namespace namespace;

    /** The tables of stack {@code stackPrefix}, in its namespace {@code freshet_<prefix>} ({@link TableNames}). */
    public LakeTables(CatalogConfig config, String stackPrefix) {
        this(config, TableNames.namespace(stackPrefix));
    }

    /** The tables in {@code namespace} (a Glue database the template named). */
    public LakeTables(CatalogConfig config, Namespace namespace) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        Map<String, String> properties = config.properties();
        this.io = CatalogUtil.loadFileIO(properties.get("io-impl"), properties, null);
        this.catalog = config.open();
    }

    /** The catalog the tables are in. */
    public Catalog catalog() {
        return catalog;
    }

    /** The file IO the tables' files are read through (S3FileIO): the publisher reads staged files with it too. */
    public FileIO io() {
        return io;
    }

    public TableIdentifier identifier(String asset) {
        return TableIdentifier.of(namespace, TableNames.tableName(asset));
    }

    /** What a publication left: the table, the snapshot that holds the partition, and that snapshot's metadata file. */
    public record Commit(String table, long snapshotId, String metadataLocation) {
    }

    /** {@link #publish}, for the snapshot id only. */
    public long commit(PartitionOutput output) {
        return publish(output).snapshotId();
    }

    /**
     * Publishes one partition: creates the table when missing (schema from the first file), checks
     * and evolves the schema ({@link SchemaRule}), builds the data files with their Parquet metrics,
     * and commits one transaction that replaces the partition (the whole table when unpartitioned).
     * When this run attempt has already committed (a retry after a crash between commit and
     * recording), nothing is committed again and that commit is returned.
     *
     * @throws IncompatibleSchemaException  the output cannot be committed to the table (nothing committed)
     * @throws PartitionMismatchException   a file holds rows of another partition (nothing committed)
     */
    public Commit publish(PartitionOutput output) {
        TableIdentifier id = identifier(output.asset());
        // Asked before any file is read: a retry finds its commit even when its files are gone.
        Optional<Table> existing = table(output.asset());
        Optional<Snapshot> earlier = existing.flatMap(t -> findCommit(t, output.runId(), output.attempt()));
        if (earlier.isPresent()) {
            return describe(id, existing.get(), earlier.get().snapshotId());
        }
        List<ParquetFooter> footers = output.files().stream().map(f -> ParquetFooter.read(io, f)).toList();
        Table table = existing.isPresent() ? existing.get() : TableSetup.loadOrCreate(catalog, id, footers, output);
        Schema outputSchema = footers.isEmpty() ? table.schema()
                : SchemaRule.common(id.toString(), footers.stream().map(ParquetFooter::schema).toList());
        Transaction tx = table.newTransaction();
        if (SchemaRule.check(id.toString(), table.schema(), outputSchema, output.partitionColumn()).evolves()) {
            tx.updateSchema().unionByNameWith(outputSchema).commit();
        }
        List<DataFile> files = dataFiles(id, tx.table(), footers, output);
        OverwriteFiles overwrite = tx.newOverwrite().overwriteByRowFilter(partitionFilter(tx.table(), output));
        if (!files.isEmpty()) {
            // (Iceberg's check cannot run without an added file: an empty partition only deletes.)
            overwrite.validateAddedFilesMatchOverwriteFilter();
        }
        files.forEach(overwrite::addFile);
        overwrite.set(RUN_ID, output.runId()).set(ATTEMPT, Integer.toString(output.attempt())).commit();
        tx.commitTransaction();
        table.refresh();
        long snapshot = findCommit(table, output.runId(), output.attempt())
                .orElseThrow(() -> new IllegalStateException("the commit of " + output.runId() + " is not in " + id + "'s history"))
                .snapshotId();
        return describe(id, table, snapshot);
    }

    /**
     * Whether {@link #publish} would accept the output, without committing anything: the files are
     * Parquet, agree on their schema, hold the partition column, fit the table's schema and hold
     * only rows of the partition. Run before the first of a run's commits, so that a run with
     * several outputs fails before any of them is committed.
     *
     * @throws IncompatibleSchemaException  the output cannot be committed to the table
     * @throws PartitionMismatchException   a file holds rows of another partition
     */
    public void check(PartitionOutput output) {
        TableIdentifier id = identifier(output.asset());
        List<ParquetFooter> footers = output.files().stream().map(f -> ParquetFooter.read(io, f)).toList();
        if (footers.isEmpty()) {
            return;
        }
        Schema outputSchema = SchemaRule.common(id.toString(), footers.stream().map(ParquetFooter::schema).toList());
        Optional<Table> existing = table(output.asset());
        if (existing.isEmpty()) {
            output.partitionColumn().filter(c -> outputSchema.findField(c) == null).ifPresent(c -> {
                throw new IncompatibleSchemaException(id.toString(), c, "the partition column is missing from the output");
            });
            output.keyColumn().filter(c -> outputSchema.findField(c) == null).ifPresent(c -> {
                throw new IncompatibleSchemaException(id.toString(), c, "the dynamic key column is missing from the output");
            });
            return;
        }
        SchemaRule.check(id.toString(), existing.get().schema(), outputSchema, output.partitionColumn());
        if (output.partitioned()) {
            dataFiles(id, existing.get(), footers, output);
        }
    }

    private static Commit describe(TableIdentifier id, Table table, long snapshotId) {
        return new Commit(id.toString(), snapshotId, TableHistory.metadataLocation(table, snapshotId));
    }

    private static Expression partitionFilter(Table table, PartitionOutput output) {
        if (output.partitionColumn().isEmpty()) {
            return Expressions.alwaysTrue();
        }
        String column = output.partitionColumn().get();
        return Expressions.equal(column, PartitionValues.of(table.schema().findType(column), output.partitionValue()));
    }

    /**
     * The snapshot of the table's current history (the current snapshot and its ancestors) that
     * {@code runId}'s attempt {@code attempt} committed, if any.
     */
    public static Optional<Snapshot> findCommit(Table table, String runId, int attempt) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return Optional.empty();
        }
        String wanted = Integer.toString(attempt);
        for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
            Map<String, String> summary = s.summary();
            if (runId.equals(summary.get(RUN_ID)) && wanted.equals(summary.get(ATTEMPT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The asset's table, if it exists. */
    public Optional<Table> table(String asset) {
        TableIdentifier id = identifier(asset);
        // One load: tableExists is a load of its own in most catalogs.
        try {
            return Optional.of(catalog.loadTable(id));
        } catch (NoSuchTableException absent) {
            return Optional.empty();
        }
    }

    private static List<DataFile> dataFiles(TableIdentifier id, Table table, List<ParquetFooter> footers, PartitionOutput output) {
        String mappingJson = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
        NameMapping mapping = mappingJson == null ? null : NameMappingParser.fromJson(mappingJson);
        MetricsConfig config = MetricsConfig.forTable(table);
        NestedField column = output.partitionColumn().map(c -> table.schema().findField(c)).orElse(null);
        Object partition = column == null ? null : PartitionValues.of(column.type(), output.partitionValue());
        NestedField key = column == null ? null : KeySpec.require(id, table, output);
        List<DataFile> files = new ArrayList<>();
        for (ParquetFooter footer : footers) {
            Metrics metrics = footer.metrics(config, mapping);
            if (column != null) {
                requireWithin(id, footer, metrics, column, partition, output.partitionValue());
            }
            if (key == null) {
                files.add(footer.dataFile(table.spec(), partition, metrics));
                continue;
            }
            // A keyed file: every row of it has its key value, which is its second partition value.
            String value = output.fileKeys().get(footer.location());
            requireWithin(id, footer, metrics, key, value, value);
            files.add(footer.dataFile(table.spec(), List.of(partition, value), metrics));
        }
        return files;
    }

    /** Every row of the file is of the partition: its column's bounds are the partition's value. */
    private static void requireWithin(TableIdentifier id, ParquetFooter footer, Metrics metrics, NestedField column,
                                      Object partition, String expected) {
        if (metrics.recordCount() == null || metrics.recordCount() == 0 || metrics.lowerBounds() == null
                || metrics.upperBounds() == null || !metrics.lowerBounds().containsKey(column.fieldId())) {
            return;
        }
        Object lower = Conversions.fromByteBuffer(column.type(), metrics.lowerBounds().get(column.fieldId()));
        Object upper = Conversions.fromByteBuffer(column.type(), metrics.upperBounds().get(column.fieldId()));
        String want = String.valueOf(partition);
        if (!want.equals(String.valueOf(lower)) || !want.equals(String.valueOf(upper))) {
            throw new PartitionMismatchException(id.toString(), footer.location(), column.name(), expected,
                    lower, upper);
        }
    }

    @Override
    public void close() {
        try {
            io.close();
        } finally {
            closeCatalog();
        }
    }

    private void closeCatalog() {
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                throw new UncheckedIOException("the catalog did not close cleanly", e);
            }
        }
    }
}
