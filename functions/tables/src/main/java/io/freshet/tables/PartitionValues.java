package io.freshet.tables;

import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;

/**
 * A partition value as a partition path writes it ({@code 2026-11-20}, {@code 2026-11-20T13:00:00})
 * in Iceberg's Java form for the column's type. Iceberg's {@code Conversions.fromPartitionString}
 * refuses timestamps (an hourly asset's partition column), so those go through Iceberg's literal
 * parsing, as a row filter's string would.
 */
final class PartitionValues {

    private PartitionValues() {
    }

    static Object of(Type type, String value) {
        return switch (type.typeId()) {
            case TIMESTAMP, TIMESTAMP_NANO -> {
                Literal<Object> parsed = Literal.of(value).to(type);
                if (parsed == null) {
                    throw new IllegalArgumentException("'" + value + "' is not a " + type + " partition value");
                }
                yield parsed.value();
            }
            default -> Conversions.fromPartitionString(type, value);
        };
    }
}
