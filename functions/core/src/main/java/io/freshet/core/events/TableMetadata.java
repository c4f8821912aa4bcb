package io.freshet.core.events;

/**
 * The metadata keys of an asset event that published a partition of a lake table (an Iceberg
 * table, one per derived asset): which table, which snapshot holds the partition as the run wrote
 * it, and that snapshot's metadata file. The event's partition is the table's partition, and its
 * objects are exactly that partition's data files in that snapshot, so a consumer that reads the
 * objects reads the snapshot, whatever was committed to the table since.
 */
public final class TableMetadata {

    /** The table's catalog name, {@code namespace.table} (e.g. {@code freshet_demo.core_trips}). */
    public static final String TABLE = "table";
    /** The Iceberg snapshot id (decimal) of the commit that published the partition. */
    public static final String SNAPSHOT = "snapshot";
    /** The table metadata file of that snapshot: what a reader without the catalog opens. */
    public static final String METADATA_LOCATION = "metadata_location";

    private TableMetadata() {
    }
}
