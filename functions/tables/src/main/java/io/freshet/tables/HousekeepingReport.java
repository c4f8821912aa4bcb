package io.freshet.tables;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one housekeeping of a table did, or would do ({@link #dryRun()}).
 *
 * @param table             the table's catalog name ({@code freshet_<prefix>.<layer>_<name>})
 * @param location          the table's location, the prefix listed and swept
 * @param dryRun            nothing was expired or deleted: the report says what would have been
 * @param expiredBefore     snapshots older than this were expired
 * @param orphansBefore     unreferenced files last modified before this were deleted
 * @param expiredSnapshots  the ids of the snapshots expired
 * @param unknownProtected  protected snapshot ids the table does not have (already expired, or never its own)
 * @param filesDeleted      files deleted (a dry run: that would be)
 * @param bytesDeleted      their bytes
 * @param deleteFailures    files chosen for deletion that are still listed afterwards (retried next time)
 * @param filesBefore       files under the location before
 * @param bytesBefore       their bytes
 * @param filesAfter        files under the location after (a dry run: before less what would be deleted)
 * @param bytesAfter        their bytes
 */
public record HousekeepingReport(String table, String location, boolean dryRun, Instant expiredBefore, Instant orphansBefore,
                                 List<Long> expiredSnapshots, Set<Long> unknownProtected, int filesDeleted, long bytesDeleted,
                                 int deleteFailures, int filesBefore, long bytesBefore, int filesAfter, long bytesAfter) {

    public HousekeepingReport {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(location, "location");
        expiredSnapshots = List.copyOf(expiredSnapshots);
        unknownProtected = Set.copyOf(unknownProtected);
    }

    /** One line for a log. */
    public String summary() {
        return String.format("%s%s: %d snapshot(s) expired, %d file(s) deleted (%d bytes), %d bytes in %d files before, "
                        + "%d bytes in %d files after", table, dryRun ? " (dry run)" : "", expiredSnapshots.size(), filesDeleted,
                bytesDeleted, bytesBefore, filesBefore, bytesAfter, filesAfter);
    }
}
