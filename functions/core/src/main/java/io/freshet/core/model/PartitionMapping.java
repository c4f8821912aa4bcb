package io.freshet.core.model;

import java.util.Locale;
import java.util.Optional;

/**
 * How a consumer's partition depends on an input's partitions.
 * <ul>
 *   <li>{@code identity}: partition D reads the input's partition D (the default when both have the same grain);</li>
 *   <li>{@code window}: a daily partition reads the 24 hourly partitions of its day and waits for all of them;</li>
 *   <li>{@code latest}: any partition reads the input's newest event, whatever its partition (a dimension table).</li>
 * </ul>
 */
public enum PartitionMapping {
    IDENTITY, WINDOW, LATEST;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PartitionMapping> fromYaml(String word) {
        for (PartitionMapping m : values()) {
            if (m.yamlName().equals(word)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
