package io.freshet.tables;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * The objects under a table's location, as the store lists them (S3: one LIST per 1,000 keys),
 * keyed by {@link #key(String)}: a location without its scheme, so that {@code s3://b/k} and
 * {@code s3a://b/k} are one file.
 */
record TableFiles(String prefix, Map<String, FileInfo> files) {

    /** Names of the files a table writes: data, manifests and manifest lists, statistics, metadata. */
    private static final String[] TABLE_FILE_SUFFIXES = {
        ".parquet", ".avro", ".orc", ".puffin", ".stats", ".metadata.json", ".metadata.json.gz", ".gz.metadata.json"};

    TableFiles {
        files = Map.copyOf(files);
    }

    /**
     * Every object under {@code location} followed by a slash (so table {@code core/trips} never
     * lists {@code core/trips_daily}).
     */
    static TableFiles list(FileIO io, String table, String location) {
        if (!(io instanceof SupportsPrefixOperations prefixes)) {
            throw new HousekeepingRefusedException(table, "its file IO " + io.getClass().getName() + " cannot list a prefix");
        }
        String prefix = directory(location);
        Map<String, FileInfo> files = new TreeMap<>();
        for (FileInfo file : prefixes.listPrefix(prefix)) {
            files.put(key(file.location()), file);
        }
        return new TableFiles(prefix, files);
    }

    /** The location with exactly one trailing slash. */
    static String directory(String location) {
        String trimmed = location;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed + "/";
    }

    /** The location without its scheme: {@code s3://bucket/key} is {@code bucket/key}. */
    static String key(String location) {
        int scheme = location.indexOf("://");
        return scheme < 0 ? location : location.substring(scheme + 3);
    }

    /** Whether {@code location} is under this table's location. */
    boolean contains(String location) {
        return key(location).startsWith(key(prefix));
    }

    /**
     * Whether the file's name is one a table writes. Anything else under the location (a
     * {@code version-hint.text}, a file a user put there) is never deleted.
     */
    static boolean isTableFile(String location) {
        String name = location.substring(location.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        for (String suffix : TABLE_FILE_SUFFIXES) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return true;
            }
        }
        return false;
    }

    int count() {
        return files.size();
    }

    long bytes() {
        return bytes(files.values());
    }

    static long bytes(Collection<FileInfo> files) {
        return files.stream().mapToLong(FileInfo::size).sum();
    }
}
