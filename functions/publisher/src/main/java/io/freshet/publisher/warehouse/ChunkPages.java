package io.freshet.publisher.warehouse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.zip.GZIPInputStream;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;

/**
 * The pages of one column chunk, split from its bytes and decompressed: what parquet-java's column
 * readers consume ({@link PageReader}). Codecs: uncompressed, zstd (the runner's, DuckDB's
 * default), snappy (aircompressor's pure-Java decoders: no native library in the package) and gzip
 * (the JDK's). Page statistics are not needed for reading and are left out.
 */
final class ChunkPages implements PageReader {

    private final DictionaryPage dictionary;
    private final Deque<DataPage> pages;
    private final long valueCount;

    private ChunkPages(DictionaryPage dictionary, Deque<DataPage> pages, long valueCount) {
        this.dictionary = dictionary;
        this.pages = pages;
        this.valueCount = valueCount;
    }

    static ChunkPages of(String location, ColumnChunkMetaData chunk, byte[] bytes) throws IOException {
        CompressionCodecName codec = chunk.getCodec();
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        DictionaryPage dictionary = null;
        Deque<DataPage> pages = new ArrayDeque<>();
        long values = 0;
        while (values < chunk.getValueCount() && in.available() > 0) {
            PageHeader header = Util.readPageHeader(in);
            byte[] body = in.readNBytes(header.getCompressed_page_size());
            int size = header.getUncompressed_page_size();
            switch (header.getType()) {
                case DICTIONARY_PAGE -> dictionary = new DictionaryPage(BytesInput.from(decompress(location, codec, body, size)),
                        header.getDictionary_page_header().getNum_values(),
                        encoding(header.getDictionary_page_header().getEncoding()));
                case DATA_PAGE -> {
                    DataPageHeader h = header.getData_page_header();
                    pages.add(new DataPageV1(BytesInput.from(decompress(location, codec, body, size)), h.getNum_values(), size, null,
                            encoding(h.getRepetition_level_encoding()), encoding(h.getDefinition_level_encoding()), encoding(h.getEncoding())));
                    values += h.getNum_values();
                }
                case DATA_PAGE_V2 -> {
                    pages.add(pageV2(location, codec, header, body));
                    values += header.getData_page_header_v2().getNum_values();
                }
                default -> {
                    // An index page: nothing a reader of every row needs.
                }
            }
        }
        return new ChunkPages(dictionary, pages, values);
    }

    /** V2 keeps its levels uncompressed ahead of the (maybe compressed) values. */
    private static DataPage pageV2(String location, CompressionCodecName codec, PageHeader header, byte[] body) throws IOException {
        DataPageHeaderV2 h = header.getData_page_header_v2();
        int rl = h.getRepetition_levels_byte_length();
        int dl = h.getDefinition_levels_byte_length();
        byte[] data = Arrays.copyOfRange(body, rl + dl, body.length);
        int dataSize = header.getUncompressed_page_size() - rl - dl;
        byte[] values = h.isSetIs_compressed() && !h.is_compressed ? data : decompress(location, codec, data, dataSize);
        return DataPageV2.uncompressed(h.getNum_rows(), h.getNum_nulls(), h.getNum_values(),
                BytesInput.from(Arrays.copyOfRange(body, 0, rl)), BytesInput.from(Arrays.copyOfRange(body, rl, rl + dl)),
                encoding(h.getEncoding()), BytesInput.from(values), null);
    }

    /** parquet-format's encoding (the page header's) as parquet-column's: the same names. */
    private static Encoding encoding(Enum<?> format) {
        return Encoding.valueOf(format.name());
    }

    private static byte[] decompress(String location, CompressionCodecName codec, byte[] body, int size) throws IOException {
        if (codec == CompressionCodecName.GZIP) {
            try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(body))) {
                return gz.readNBytes(size);
            }
        }
        if (codec == CompressionCodecName.UNCOMPRESSED) {
            return body;
        }
        byte[] out = new byte[size];
        int written = switch (codec) {
            case ZSTD -> new ZstdDecompressor().decompress(body, 0, body.length, out, 0, size);
            case SNAPPY -> new SnappyDecompressor().decompress(body, 0, body.length, out, 0, size);
            default -> throw new UnreadableOutputException(location, "its pages are compressed with " + codec
                    + ", which the publisher does not read (uncompressed, zstd, snappy and gzip are)");
        };
        if (written != size) {
            throw new UnreadableOutputException(location, "a " + codec + " page of " + body.length + " bytes decompressed to "
                    + written + " bytes, not the " + size + " its header says");
        }
        return out;
    }

    @Override
    public DictionaryPage readDictionaryPage() {
        return dictionary;
    }

    @Override
    public long getTotalValueCount() {
        return valueCount;
    }

    @Override
    public DataPage readPage() {
        return pages.poll();
    }
}
