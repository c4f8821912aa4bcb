package io.freshet.engine.snapshot;

import java.nio.file.Path;

/**
 * Told of each Parquet file as soon as it is complete, while the snapshot goes on writing the
 * next: a large table is written as several files ({@code part-00000.parquet},
 * {@code part-00001.parquet}, ...), so uploading one can overlap writing the next, and a file
 * already uploaded may be deleted to bound local disk use.
 */
@FunctionalInterface
public interface ParquetFileListener {

    ParquetFileListener NONE = (output, file, rows) -> {
    };

    /**
     * Called once for each file of each table, on the thread that wrote it (a table may be written
     * by several at once), never twice at once: calls are one after another, in the order the files
     * are complete, which is not always their names' order. Hand slow work (an upload) to another
     * thread: the writer that wrote the file, and any other that completes one meanwhile, waits
     * until this returns. An exception fails the snapshot.
     *
     * @param output the table's output (asset)
     * @param file   the complete file
     * @param rows   its rows
     */
    void fileWritten(String output, Path file, long rows) throws Exception;
}
