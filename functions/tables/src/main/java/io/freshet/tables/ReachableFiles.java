package io.freshet.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileIO;

/**
 * Every file a table still references, as {@link TableFiles#key} keys: the current metadata file
 * and those of its metadata log, the statistics files, and for each retained snapshot its
 * manifest list, its manifests and the live data and delete files they list. A file only named by
 * a deleted entry of a manifest (a file an overwrite replaced) is not reachable: no retained
 * snapshot reads it.
 */
final class ReachableFiles {

    private static final List<String> PATH_ONLY = List.of("file_path");

    private ReachableFiles() {
    }

    /** What {@code table} references when only {@code retained} of its snapshots are kept. */
    static Set<String> of(Table table, Collection<Snapshot> retained) {
        Set<String> reachable = new HashSet<>();
        // Not recursive: a metadata file that has left the log is unreferenced (the sweep's age
        // and protected-snapshot rules decide when it goes).
        ReachableFileUtil.metadataFileLocations(table, false).forEach(l -> reachable.add(TableFiles.key(l)));
        Set<Long> ids = new HashSet<>();
        retained.forEach(s -> ids.add(s.snapshotId()));
        table.statisticsFiles().stream().filter(f -> ids.contains(f.snapshotId()))
                .map(StatisticsFile::path).forEach(l -> reachable.add(TableFiles.key(l)));
        table.partitionStatisticsFiles().stream().filter(f -> ids.contains(f.snapshotId()))
                .map(PartitionStatisticsFile::path).forEach(l -> reachable.add(TableFiles.key(l)));
        FileIO io = table.io();
        Map<Integer, PartitionSpec> specs = table.specs();
        Set<String> manifestsRead = new HashSet<>();
        for (Snapshot snapshot : retained) {
            if (snapshot.manifestListLocation() != null) {
                reachable.add(TableFiles.key(snapshot.manifestListLocation()));
            }
            for (ManifestFile manifest : snapshot.allManifests(io)) {
                // Snapshots share most manifests: each is read once.
                if (manifestsRead.add(manifest.path())) {
                    reachable.add(TableFiles.key(manifest.path()));
                    addFiles(reachable, manifest, io, specs);
                }
            }
        }
        return reachable;
    }

    private static void addFiles(Set<String> reachable, ManifestFile manifest, FileIO io, Map<Integer, PartitionSpec> specs) {
        if (manifest.content() == ManifestContent.DATA) {
            addFiles(reachable, manifest, ManifestFiles.read(manifest, io, specs));
        } else {
            addFiles(reachable, manifest, ManifestFiles.readDeleteManifest(manifest, io, specs));
        }
    }

    /** The live entries' paths (only the path column is read). */
    private static <F extends ContentFile<F>> void addFiles(Set<String> reachable, ManifestFile manifest, ManifestReader<F> reader) {
        try (ManifestReader<F> paths = reader.select(PATH_ONLY)) {
            for (F file : paths) {
                reachable.add(TableFiles.key(file.location()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("manifest " + manifest.path() + " could not be read", e);
        }
    }
}
