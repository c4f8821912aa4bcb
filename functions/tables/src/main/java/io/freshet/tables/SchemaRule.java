package io.freshet.tables;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Whether a run's output may be committed to its table, and how the table evolves, by column name
 * (top-level columns; a nested type must be unchanged):
 *
 * <ul>
 *   <li>a column the table lacks is added (optional: older partitions read it as null);</li>
 *   <li>a column whose type widens as Iceberg allows (int to long, float to double, a decimal's
 *       precision up) is promoted;</li>
 *   <li>a column of the table missing from the output, or whose type changed any other way
 *       (narrowed, or another type), fails with {@link IncompatibleSchemaException} naming it;</li>
 *   <li>the partition column must be in the output.</li>
 * </ul>
 */
final class SchemaRule {

    /** What the table needs: nothing, or a union by name with the output's schema. */
    record Change(List<String> added, List<String> widened) {

        boolean evolves() {
            return !added.isEmpty() || !widened.isEmpty();
        }
    }

    private SchemaRule() {
    }

    static Change check(String table, Schema current, Schema output, Optional<String> partitionColumn) {
        partitionColumn.filter(c -> output.findField(c) == null).ifPresent(c -> {
            throw new IncompatibleSchemaException(table, c, "the partition column is missing from the output");
        });
        List<String> widened = new ArrayList<>();
        for (NestedField column : current.columns()) {
            NestedField out = output.findField(column.name());
            if (out == null) {
                throw new IncompatibleSchemaException(table, column.name(), "the table has this column (" + column.type()
                        + ") and the output no longer does; a column cannot be dropped");
            }
            if (shape(column.type()).equals(shape(out.type()))) {
                continue;
            }
            if (column.type().isPrimitiveType() && out.type().isPrimitiveType()
                    && TypeUtil.isPromotionAllowed(column.type(), out.type().asPrimitiveType())) {
                widened.add(column.name());
                continue;
            }
            throw new IncompatibleSchemaException(table, column.name(), "the type changed from " + shape(column.type())
                    + " to " + shape(out.type()) + ", which the table cannot be evolved to");
        }
        List<String> added = output.columns().stream().map(NestedField::name)
                .filter(name -> current.findField(name) == null).toList();
        return new Change(added, widened);
    }

    /**
     * The one schema of a partition's files: they must have the same columns with the same types
     * (DuckDB writes them so), else the first column that differs is named.
     */
    static Schema common(String table, List<Schema> schemas) {
        Schema first = schemas.get(0);
        for (Schema other : schemas.subList(1, schemas.size())) {
            Set<String> names = new LinkedHashSet<>();
            first.columns().forEach(c -> names.add(c.name()));
            other.columns().forEach(c -> names.add(c.name()));
            for (String name : names) {
                NestedField a = first.findField(name);
                NestedField b = other.findField(name);
                if (a == null || b == null || !shape(a.type()).equals(shape(b.type()))) {
                    throw new IncompatibleSchemaException(table, name, "the partition's files disagree on this column ("
                            + (a == null ? "absent" : shape(a.type())) + " and " + (b == null ? "absent" : shape(b.type())) + ")");
                }
            }
        }
        return first;
    }

    /** A type without its field ids and nullability: what must match for nested types. */
    static String shape(Type type) {
        return switch (type.typeId()) {
            case STRUCT -> type.asStructType().fields().stream().map(f -> f.name() + ": " + shape(f.type()))
                    .collect(Collectors.joining(", ", "struct<", ">"));
            case LIST -> "list<" + shape(type.asListType().elementType()) + ">";
            case MAP -> "map<" + shape(type.asMapType().keyType()) + ", " + shape(type.asMapType().valueType()) + ">";
            default -> type.toString();
        };
    }
}
