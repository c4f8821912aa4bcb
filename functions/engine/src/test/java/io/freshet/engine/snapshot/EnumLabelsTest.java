package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/** {@link EnumLabels#code} finds every label's index from its UTF-8 bytes anywhere in a buffer, and nothing else. */
class EnumLabelsTest {

    @Property(tries = 300)
    void everyLabelIsFoundAsItsIndexAndNothingElseIs(@ForAll @Size(min = 1, max = 600) @UniqueElements List<@Size(max = 20) String> labels,
                                                    @ForAll @Size(max = 20) String other) {
        EnumLabels enumLabels = new EnumLabels(labels);
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(i, code(enumLabels, labels.get(i)), labels.get(i));
        }
        assertEquals(labels.indexOf(other), code(enumLabels, other), other);
        assertEquals(labels.size() <= 255 ? 1 : 2, enumLabels.width());
    }

    /** Labels whose bytes differ in one place, or that are prefixes of one another, as statuses and codes often are. */
    @Example
    void labelsThatDifferByLittle() {
        List<String> labels = new ArrayList<>(List.of("", "a", "aa", "aaa", "ab", "ba", "très \"bien\"", "très \"bien", "🚇"));
        for (int i = 0; i < 300; i++) {
            labels.add("s" + i);
        }
        EnumLabels enumLabels = new EnumLabels(labels);
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(i, code(enumLabels, labels.get(i)));
        }
        for (String none : Set.of("aaaa", "b", "s300", "s-1", "très", "🚆", " ")) {
            assertEquals(-1, code(enumLabels, none), none);
        }
        assertEquals(2, enumLabels.width(), "309 labels need two-byte codes");
    }

    /** An enum without labels (its columns can only be NULL) or of more than DuckDB's two-byte codes hold is read as text. */
    @Example
    void onlyEnumsOfOneTo65535LabelsAreReadAsCodes() {
        assertFalse(EnumLabels.readAsCodes(0));
        assertTrue(EnumLabels.readAsCodes(1));
        assertTrue(EnumLabels.readAsCodes(65_535));
        assertFalse(EnumLabels.readAsCodes(65_536));
        assertThrows(IllegalArgumentException.class, () -> new EnumLabels(List.of()));
    }

    /** The label's bytes in the middle of a larger buffer, as a COPY row holds them. */
    private static int code(EnumLabels labels, String label) {
        byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
        byte[] row = new byte[bytes.length + 10];
        Arrays.fill(row, (byte) 'a');
        System.arraycopy(bytes, 0, row, 5, bytes.length);
        return labels.code(row, 5, bytes.length);
    }
}
