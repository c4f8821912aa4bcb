package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How {@code bench snapshot} names a table's columns on its header line: short, in {@code --columns}' own syntax. */
class GeneratedColumnsTest {

    @Test
    void columnsOfDifferentTypesAreListedInOrder() {
        assertEquals("1 column: integer", GeneratedColumns.describe(List.of("integer")));
        assertEquals("3 columns: bigint, date, integer[][]", GeneratedColumns.describe(List.of("bigint", "date", "integer[][]")));
    }

    @Test
    void neighboursOfOneTypeAreCountedTogether() {
        List<String> types = new ArrayList<>(List.of("bigint"));
        types.addAll(Collections.nCopies(40, "numeric(12,2)"));
        types.add("text");
        types.addAll(Collections.nCopies(3, "numeric(12,2)"));
        assertEquals("45 columns: bigint, numeric(12,2)*40, text, numeric(12,2)*3", GeneratedColumns.describe(types));
    }

    @Test
    void hundredsOfInterleavedColumnsAreCountedByType() {
        List<String> types = new ArrayList<>(List.of("bigint"));
        for (int i = 1; i <= 300; i++) {
            types.add(List.of("text", "double precision", "integer").get(i % 3));
        }
        assertEquals("301 columns: bigint, double precision*100, integer*100, text*100", GeneratedColumns.describe(types));
    }
}
