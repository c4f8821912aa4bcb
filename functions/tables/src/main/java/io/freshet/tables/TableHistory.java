package io.freshet.tables;

import java.util.List;

import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadata.MetadataLogEntry;
import org.apache.iceberg.TableMetadataParser;

/** Where a snapshot of a table was current: the metadata file a reader without the catalog opens to read it. */
final class TableHistory {

    private TableHistory() {
    }

    /**
     * The metadata file whose current snapshot is {@code snapshotId}: the table's current one, or
     * one of its metadata log (newest first, as a commit is usually recent). When other commits
     * followed and the log no longer reaches it, the current metadata file, which still holds the
     * snapshot in its history (a reader then picks it by id).
     */
    static String metadataLocation(Table table, long snapshotId) {
        TableMetadata current = ((HasTableOperations) table).operations().current();
        if (isCurrentIn(current, snapshotId)) {
            return current.metadataFileLocation();
        }
        List<MetadataLogEntry> log = current.previousFiles();
        for (int i = log.size() - 1; i >= 0; i--) {
            TableMetadata earlier = TableMetadataParser.read(table.io(), log.get(i).file());
            if (isCurrentIn(earlier, snapshotId)) {
                return log.get(i).file();
            }
            if (earlier.currentSnapshot() != null && earlier.currentSnapshot().timestampMillis() < snapshotTime(current, snapshotId)) {
                break;
            }
        }
        return current.metadataFileLocation();
    }

    private static boolean isCurrentIn(TableMetadata metadata, long snapshotId) {
        Snapshot s = metadata.currentSnapshot();
        return s != null && s.snapshotId() == snapshotId;
    }

    private static long snapshotTime(TableMetadata metadata, long snapshotId) {
        Snapshot s = metadata.snapshot(snapshotId);
        return s == null ? Long.MIN_VALUE : s.timestampMillis();
    }
}
