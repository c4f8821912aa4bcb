package io.freshet.tables;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.iceberg.ExpireSnapshots.CleanupLevel;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsBulkOperations;

/**
 * Housekeeping of one asset's table: expires old snapshots and deletes the files no retained
 * snapshot or metadata references (killed attempts' leftovers, publications that never
 * committed, files of expired snapshots). What is kept, and why:
 * <ul>
 *   <li>every snapshot younger than the retention ({@link #DEFAULT_RETENTION}, longer than any run
 *       with its retries and its publication can take, so {@link LakeTables#findCommit} still finds
 *       a retried attempt's commit);</li>
 *   <li>the current snapshot, every protected snapshot (one a running consumer still reads; the
 *       caller names them) and every snapshot newer than the oldest protected one;</li>
 *   <li>every file a kept snapshot reads, every metadata file of the metadata log, every file
 *       last modified within the retention (a running attempt's upload, a commit in flight), every
 *       metadata file written after the oldest protected snapshot, and every file whose name is
 *       not a table file's ({@link TableFiles#isTableFile}).</li>
 * </ul>
 * Only files under the table's location are ever deleted. Iceberg's {@code ExpireSnapshots}
 * removes the snapshots from the metadata without deleting anything ({@link CleanupLevel#NONE});
 * every deletion is the sweep's, under the rules above, so a dry run reports exactly what a run
 * would delete.
 */
public final class LakeHousekeeping {

    /**
     * Three days: a run's Lambda lasts at most 15 minutes, but a queued run, its retries and its
     * publication may wait for hours; three days also spans a weekend-long outage's backlog less
     * than a retention measured in hours would.
     */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(3);

    /**
     * A protected snapshot's metadata file is written just after the snapshot's timestamp (by the
     * committer's clock) and stamped by the store's: metadata files from this long before the
     * oldest protected snapshot on are kept, even after they leave the metadata log.
     */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);

    private final LakeTables tables;
    private final Duration retention;
    private final Clock clock;

    public LakeHousekeeping(LakeTables tables) {
        this(tables, DEFAULT_RETENTION, Clock.systemUTC());
    }

    public LakeHousekeeping(LakeTables tables, Duration retention, Clock clock) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the retention must be positive, not " + retention);
        }
    }

    /**
     * Expires the asset's old snapshots and deletes its unreferenced files.
     *
     * @param protectedSnapshots ids of snapshots that running consumers still read: they, and
     *                           every newer snapshot, are kept with their files
     * @return the report, or empty when the asset has no table
     */
    public Optional<HousekeepingReport> run(String asset, Set<Long> protectedSnapshots) {
        return tables.table(asset).map(t -> housekeep(tables.identifier(asset).toString(), t, protectedSnapshots, false));
    }

    /** What {@link #run} would expire and delete, changing nothing. */
    public Optional<HousekeepingReport> dryRun(String asset, Set<Long> protectedSnapshots) {
        return tables.table(asset).map(t -> housekeep(tables.identifier(asset).toString(), t, protectedSnapshots, true));
    }

    private HousekeepingReport housekeep(String name, Table table, Set<Long> protectedIds, boolean dryRun) {
        Instant now = clock.instant();
        Protection protection = Protection.of(table, protectedIds, now);
        Instant retained = now.minus(retention);
        Instant expiredBefore = min(retained, protection.oldest());
        Cutoffs cutoffs = new Cutoffs(retained, min(retained, protection.oldest().minus(CLOCK_MARGIN)));
        // Listed first: a file written after this point is never a candidate.
        TableFiles before = TableFiles.list(table.io(), name, table.location());
        requireCurrentMetadataListed(name, table, before);

        List<Snapshot> expired = expire(name, table, expiredBefore, protection, dryRun);
        List<Snapshot> kept = keptSnapshots(table, expired, dryRun);
        Set<String> reachable = ReachableFiles.of(table, kept);
        List<FileInfo> orphans = before.files().entrySet().stream()
                .filter(e -> TableFiles.isTableFile(e.getKey()) && !reachable.contains(e.getKey()))
                .filter(e -> cutoffs.allowsDeleting(e.getKey(), e.getValue()))
                .map(Map.Entry::getValue)
                .toList();

        List<Long> expiredIds = expired.stream().map(Snapshot::snapshotId).toList();
        if (dryRun) {
            long bytes = TableFiles.bytes(orphans);
            return new HousekeepingReport(name, before.prefix(), true, expiredBefore, cutoffs.files(), expiredIds,
                    protection.unknown(), orphans.size(), bytes, 0, before.count(), before.bytes(),
                    before.count() - orphans.size(), before.bytes() - bytes);
        }
        delete(table.io(), orphans);
        TableFiles after = TableFiles.list(table.io(), name, table.location());
        List<FileInfo> deleted = orphans.stream().filter(f -> !after.files().containsKey(TableFiles.key(f.location()))).toList();
        return new HousekeepingReport(name, before.prefix(), false, expiredBefore, cutoffs.files(), expiredIds,
                protection.unknown(), deleted.size(), TableFiles.bytes(deleted), orphans.size() - deleted.size(),
                before.count(), before.bytes(), after.count(), after.bytes());
    }

    /**
     * Expires (or, in a dry run, only plans to expire) every snapshot older than {@code before}
     * but the current one, deleting no file.
     */
    private static List<Snapshot> expire(String name, Table table, Instant before, Protection protection, boolean dryRun) {
        var expiry = table.expireSnapshots()
                .expireOlderThan(before.toEpochMilli())
                .retainLast(1)
                .cleanupLevel(CleanupLevel.NONE);
        List<Snapshot> planned = expiry.apply();
        Snapshot current = table.currentSnapshot();
        for (Snapshot s : planned) {
            if (protection.ids().contains(s.snapshotId()) || current != null && current.snapshotId() == s.snapshotId()) {
                // Cannot happen by the cutoff's construction; refuse rather than break a reader.
                throw new HousekeepingRefusedException(name, "the expiry would remove protected or current snapshot "
                        + s.snapshotId());
            }
        }
        if (!dryRun && !planned.isEmpty()) {
            expiry.commit();
        }
        return planned;
    }

    private static List<Snapshot> keptSnapshots(Table table, List<Snapshot> expired, boolean dryRun) {
        if (!dryRun) {
            table.refresh();
        }
        Set<Long> gone = new HashSet<>();
        expired.forEach(s -> gone.add(s.snapshotId()));
        List<Snapshot> kept = new ArrayList<>();
        for (Snapshot s : table.snapshots()) {
            if (!gone.contains(s.snapshotId())) {
                kept.add(s);
            }
        }
        return kept;
    }

    /**
     * The listing must show the table's current metadata file when it is under the location: else
     * the listing is not of this table as the catalog knows it, and nothing may be deleted by it.
     */
    private static void requireCurrentMetadataListed(String name, Table table, TableFiles listed) {
        String current = ((HasTableOperations) table).operations().current().metadataFileLocation();
        if (listed.contains(current) && !listed.files().containsKey(TableFiles.key(current))) {
            throw new HousekeepingRefusedException(name, "the listing of " + listed.prefix()
                    + " misses the current metadata file " + current);
        }
    }

    private static void delete(FileIO io, List<FileInfo> files) {
        List<String> locations = files.stream().map(FileInfo::location).toList();
        if (locations.isEmpty()) {
            return;
        }
        if (io instanceof SupportsBulkOperations bulk) {
            try {
                bulk.deleteFiles(locations);
            } catch (BulkDeletionFailureException e) {
                // Reported as delete failures (the files are still listed); the next run retries.
            }
        } else {
            locations.forEach(io::deleteFile);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Unreferenced files older than {@code files} may go; metadata files only when older than {@code metadata}. */
    private record Cutoffs(Instant files, Instant metadata) {

        boolean allowsDeleting(String key, FileInfo file) {
            Instant cutoff = key.contains(".metadata.json") ? metadata : files;
            return file.createdAtMillis() < cutoff.toEpochMilli();
        }
    }

    /**
     * The protected snapshots the table has ({@code ids}), the oldest one's timestamp (or
     * {@code now} when none), and the ids it does not have.
     */
    private record Protection(Set<Long> ids, Instant oldest, Set<Long> unknown) {

        static Protection of(Table table, Set<Long> protectedIds, Instant now) {
            Set<Long> known = new TreeSet<>();
            Set<Long> unknown = new TreeSet<>();
            long oldest = now.toEpochMilli();
            for (long id : protectedIds) {
                Snapshot s = table.snapshot(id);
                if (s == null) {
                    unknown.add(id);
                } else {
                    known.add(id);
                    oldest = Math.min(oldest, s.timestampMillis());
                }
            }
            return new Protection(known, Instant.ofEpochMilli(oldest), unknown);
        }
    }
}
