package io.freshet.publisher.warehouse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;

/**
 * A staged Parquet file read through S3FileIO, row group by row group, with parquet-java's column
 * readers and no Hadoop: every Parquet file reader ({@code ParquetFileReader}, and Iceberg's generic
 * reader on top of it) needs {@code ParquetReadOptions}, whose builder loads Hadoop's
 * {@code FileInputFormat} (docs/architecture.md, "Lake tables", "No Hadoop"). So the footer is decoded
 * as {@code io.freshet.tables.ParquetFooter} does, and each column chunk is fetched with one ranged
 * read and split into pages here ({@link ChunkPages}).
 */
public final class StagedParquet implements AutoCloseable {

    private static final int TAIL = 8;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final String location;
    private final SeekableInputStream in;
    private final ParquetMetadata metadata;

    private StagedParquet(String location, SeekableInputStream in, ParquetMetadata metadata) {
        this.location = location;
        this.in = in;
        this.metadata = metadata;
    }

    /** Opens the file and reads its footer. */
    public static StagedParquet open(FileIO io, String location) {
        InputFile file = io.newInputFile(location);
        long length = file.getLength();
        SeekableInputStream in = file.newStream();
        try {
            byte[] tail = readAt(in, length - TAIL, TAIL, location);
            if (!Arrays.equals(tail, 4, TAIL, MAGIC, 0, MAGIC.length)) {
                throw new UnreadableOutputException(location, "it does not end with PAR1");
            }
            int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (footerLength <= 0 || footerLength > length - TAIL - MAGIC.length) {
                throw new UnreadableOutputException(location, "its footer length " + footerLength + " does not fit its " + length + " bytes");
            }
            byte[] footer = readAt(in, length - TAIL - footerLength, footerLength, location);
            ParquetMetadata metadata = new ParquetMetadataConverter()
                    .fromParquetMetadata(Util.readFileMetaData(new ByteArrayInputStream(footer)));
            return new StagedParquet(location, in, metadata);
        } catch (IOException | RuntimeException e) {
            closeQuietly(in, e);
            if (e instanceof IOException io2) {
                throw new UncheckedIOException("cannot read the Parquet footer of " + location, io2);
            }
            throw (RuntimeException) e;
        }
    }

    public String location() {
        return location;
    }

    public MessageType schema() {
        return metadata.getFileMetaData().getSchema();
    }

    public long rows() {
        return metadata.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
    }

    public int rowGroups() {
        return metadata.getBlocks().size();
    }

    /** The writer, which column readers consult for the known bugs of old writers. */
    public String createdBy() {
        return metadata.getFileMetaData().getCreatedBy();
    }

    /** Row group {@code index}: every column chunk fetched (one ranged read each) and split into pages. */
    public PageReadStore rowGroup(int index) {
        BlockMetaData block = metadata.getBlocks().get(index);
        Map<String, PageReader> readers = new HashMap<>();
        try {
            for (ColumnChunkMetaData chunk : block.getColumns()) {
                byte[] bytes = readAt(in, chunk.getStartingPos(), Math.toIntExact(chunk.getTotalSize()), location);
                readers.put(chunk.getPath().toDotString(), ChunkPages.of(location, chunk, bytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read row group " + index + " of " + location, e);
        }
        long rowCount = block.getRowCount();
        return new PageReadStore() {
            @Override
            public PageReader getPageReader(ColumnDescriptor column) {
                return readers.get(String.join(".", column.getPath()));
            }

            @Override
            public long getRowCount() {
                return rowCount;
            }
        };
    }

    private static byte[] readAt(SeekableInputStream in, long position, int n, String location) throws IOException {
        if (position < 0) {
            throw new UnreadableOutputException(location, "it is too short");
        }
        in.seek(position);
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new UnreadableOutputException(location, "it ended early");
        }
        return bytes;
    }

    private static void closeQuietly(SeekableInputStream in, Exception cause) {
        try {
            in.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + location, e);
        }
    }
}
