package io.freshet.tables;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;

/**
 * The footer of one Parquet file in the lake, read once through S3FileIO (a HEAD and two ranged
 * GETs: the 8-byte tail, then the footer): its schema for the table, its metrics (row count, column
 * sizes, value and null counts, lower and upper bounds) and split offsets for the data file.
 *
 * <p>The footer is decoded by Parquet's {@link ParquetMetadataConverter} directly: every Parquet
 * reader ({@code ParquetFileReader}, and with it iceberg-parquet's {@code ParquetUtil.fileMetrics})
 * needs {@code ParquetReadOptions}, whose builder loads Hadoop's {@code FileInputFormat} even when
 * given a plain configuration, and Hadoop is not on the class path.
 */
record ParquetFooter(String location, long length, ParquetMetadata metadata) {

    private static final int TAIL = 8;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    static ParquetFooter read(FileIO io, String location) {
        InputFile file = io.newInputFile(location);
        long length = file.getLength();
        try (SeekableInputStream in = file.newStream()) {
            byte[] tail = readAt(in, length - TAIL, TAIL, location);
            if (!Arrays.equals(tail, 4, TAIL, MAGIC, 0, MAGIC.length)) {
                throw new NotParquetException(location, "it does not end with PAR1 (an encrypted footer, PARE, is not supported)");
            }
            int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (footerLength <= 0 || footerLength > length - TAIL - MAGIC.length) {
                throw new NotParquetException(location, "its footer length " + footerLength + " does not fit its " + length + " bytes");
            }
            byte[] footer = readAt(in, length - TAIL - footerLength, footerLength, location);
            // Thrift's decoding, then Parquet's conversion: the converter's own reading entry points
            // either need its int constructor (which javac cannot tell from the Hadoop one without
            // Hadoop) or fail on an unset maximum message size.
            ParquetMetadata metadata = new ParquetMetadataConverter()
                    .fromParquetMetadata(Util.readFileMetaData(new ByteArrayInputStream(footer)));
            return new ParquetFooter(location, length, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Parquet footer of " + location, e);
        }
    }

    private static byte[] readAt(SeekableInputStream in, long position, int n, String location) throws IOException {
        if (position < 0) {
            throw new NotParquetException(location, "it is too short");
        }
        in.seek(position);
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new NotParquetException(location, "it ended early");
        }
        return bytes;
    }

    /**
     * The file's schema as an Iceberg schema, every top-level column optional. Files without field
     * ids (DuckDB's) get ids by position: only names and types matter here, the table assigns its
     * own ids and reads such files through its name mapping.
     */
    Schema schema() {
        MessageType type = metadata.getFileMetaData().getSchema();
        MessageType withIds = ParquetSchemaUtil.hasIds(type) ? type : ParquetSchemaUtil.addFallbackIds(type);
        List<NestedField> columns = ParquetSchemaUtil.convert(withIds).columns().stream().map(NestedField::asOptional).toList();
        return new Schema(columns);
    }

    long rows() {
        return metadata.getBlocks().stream().mapToLong(b -> b.getRowCount()).sum();
    }

    /** The file's metrics by the table's ids (through {@code mapping} for a file without field ids). */
    Metrics metrics(MetricsConfig config, NameMapping mapping) {
        return ParquetUtil.footerMetrics(metadata, Stream.empty(), config, mapping);
    }

    /** The file as a data file of the table, in the partition whose (identity) value is {@code partition}, Iceberg's Java form. */
    DataFile dataFile(PartitionSpec spec, Object partition, Metrics metrics) {
        return dataFile(spec, Arrays.asList(partition), metrics);
    }

    /** The file as a data file in the partition of these identity values, in the spec's order (time, then key). */
    DataFile dataFile(PartitionSpec spec, List<Object> partition, Metrics metrics) {
        DataFiles.Builder builder = DataFiles.builder(spec);
        if (spec.isPartitioned()) {
            PartitionData data = new PartitionData(spec.partitionType());
            for (int i = 0; i < partition.size(); i++) {
                data.set(i, partition.get(i));
            }
            builder.withPartition(data);
        }
        return builder
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(length)
                .withMetrics(metrics)
                .withSplitOffsets(ParquetUtil.getSplitOffsets(metadata))
                .build();
    }
}
