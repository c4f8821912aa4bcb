package io.freshet.publisher.warehouse;

import java.util.ArrayList;
import java.util.List;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * One top-level column of a staged output as it is loaded: its name, its PostgreSQL type
 * ({@link #ddl}), the Parquet column it is read from, and how a row's value (a scalar, or a LIST as
 * a one-dimensional array with NULL elements kept) is written to the COPY stream.
 *
 * @param element the type of the value, or of an array's elements
 * @param list    a LIST column, loaded as {@code element[]}
 */
record LoadColumn(String name, PgType element, boolean list, ColumnDescriptor descriptor) {

    /** The column's type as the table is created with it. */
    String ddl() {
        return list ? element.ddl() + "[]" : element.ddl();
    }

    /**
     * The columns of a file's schema, in order.
     *
     * @throws IncompatibleTableException a column whose Parquet type has no PostgreSQL counterpart
     */
    static List<LoadColumn> of(String table, MessageType schema) {
        List<LoadColumn> columns = new ArrayList<>();
        for (Type field : schema.getFields()) {
            columns.add(column(table, schema, field));
        }
        return columns;
    }

    private static LoadColumn column(String table, MessageType schema, Type field) {
        if (field.isPrimitive() && !field.isRepetition(Type.Repetition.REPEATED)) {
            PgType type = ParquetTypes.of(field.asPrimitiveType());
            if (type != null) {
                return new LoadColumn(field.getName(), type, false, schema.getColumnDescription(new String[] {field.getName()}));
            }
        } else if (!field.isPrimitive() && field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            GroupType list = field.asGroupType();
            // The three-level LIST: <list> (LIST) { repeated group list { <element> } }, elements primitive.
            if (list.getFieldCount() == 1 && !list.getType(0).isPrimitive() && list.getType(0).asGroupType().getFieldCount() == 1
                    && list.getType(0).asGroupType().getType(0).isPrimitive()) {
                Type element = list.getType(0).asGroupType().getType(0);
                PgType type = ParquetTypes.of(element.asPrimitiveType());
                if (type != null) {
                    String[] path = {field.getName(), list.getType(0).getName(), element.getName()};
                    return new LoadColumn(field.getName(), type, true, schema.getColumnDescription(path));
                }
            }
        }
        throw new IncompatibleTableException(table, field.getName(), "its Parquet type " + field.toString().trim()
                + " has no PostgreSQL counterpart the publisher loads (scalars and lists of scalars do)");
    }

    /** Writes this row's value (consuming it from the reader) as one field of the COPY stream. */
    void write(ColumnValues values, CopyBuffer out) {
        ColumnReader r = values.reader();
        int maxDef = descriptor.getMaxDefinitionLevel();
        if (!list) {
            if (r.getCurrentDefinitionLevel() < maxDef) {
                out.nullField();
            } else {
                element.writer().write(r, out);
            }
            values.consume();
            return;
        }
        writeArray(values, out, maxDef);
    }

    /**
     * A one-dimensional array: dimensions, NULL flag, element OID, length and lower bound 1, then
     * each element; an empty list as an array of no dimension. The element is present at
     * definition level {@code maxDef}, NULL one level below; the list itself NULL below
     * {@code maxDef - 2} and empty at {@code maxDef - 2}.
     */
    private void writeArray(ColumnValues values, CopyBuffer out, int maxDef) {
        ColumnReader r = values.reader();
        int emptyAt = maxDef - 2;
        int def = r.getCurrentDefinitionLevel();
        if (def < emptyAt) {
            out.nullField();
            values.consume();
            return;
        }
        int length = out.reserveLength();
        if (def == emptyAt) {
            out.int32(0);
            out.int32(0);
            out.int32(element.oid());
            values.consume();
            out.fillLength(length);
            return;
        }
        out.int32(1);
        int hasNull = out.position();
        out.int32(0);
        out.int32(element.oid());
        int count = out.position();
        out.int32(0);
        out.int32(1);
        int n = 0;
        boolean nulls = false;
        do {
            if (r.getCurrentDefinitionLevel() == maxDef) {
                element.writer().write(r, out);
            } else {
                out.nullField();
                nulls = true;
            }
            n++;
            values.consume();
        } while (values.hasNext() && r.getCurrentRepetitionLevel() > 0);
        out.putInt(hasNull, nulls ? 1 : 0);
        out.putInt(count, n);
        out.fillLength(length);
    }
}
