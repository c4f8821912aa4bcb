package io.freshet.publisher.warehouse;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.schema.MessageType;

/**
 * Streams a Parquet file's rows into a binary COPY: per row group, one column reader per column,
 * and each row takes its next value from every reader in turn. Nothing but the row group's pages
 * is held in memory.
 */
final class ParquetRows {

    private ParquetRows() {
    }

    static void write(StagedParquet parquet, List<LoadColumn> columns, CopyBuffer out) throws SQLException {
        MessageType schema = parquet.schema();
        // The readers call no converter (values are taken with getInteger and the like); the store wants one all the same.
        GroupRecordConverter converter = new GroupRecordConverter(schema);
        for (int g = 0; g < parquet.rowGroups(); g++) {
            PageReadStore pages = parquet.rowGroup(g);
            long rows = pages.getRowCount();
            if (rows == 0) {
                continue;
            }
            ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, converter.getRootConverter(), schema, parquet.createdBy());
            List<ColumnValues> readers = new ArrayList<>(columns.size());
            for (LoadColumn column : columns) {
                readers.add(new ColumnValues(store.getColumnReader(column.descriptor())));
            }
            int n = columns.size();
            for (long row = 0; row < rows; row++) {
                out.startRow(n);
                for (int i = 0; i < n; i++) {
                    columns.get(i).write(readers.get(i), out);
                }
                out.endRow();
            }
        }
    }
}
