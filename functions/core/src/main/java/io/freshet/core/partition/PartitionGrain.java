package io.freshet.core.partition;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Optional;

/**
 * How an asset is split into partitions. Keys are strings so they can travel in events and
 * DynamoDB keys unchanged: {@code 2026-05-26} for daily, {@code 2026-05-26T13} for hourly, and
 * the empty string for an unpartitioned asset.
 */
public enum PartitionGrain {
    NONE, DAILY, HOURLY;

    private static final DateTimeFormatter DAILY_KEY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter HOURLY_KEY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH").withResolverStyle(ResolverStyle.STRICT);

    /** The word users write in YAML. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PartitionGrain> fromYaml(String word) {
        for (PartitionGrain g : values()) {
            if (g.yamlName().equals(word)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** The partition key of the period that starts at {@code start} (a wall time in the partition's zone). */
    public String keyOf(LocalDateTime start) {
        return switch (this) {
            case NONE -> "";
            case DAILY -> DAILY_KEY.format(start);
            case HOURLY -> HOURLY_KEY.format(start);
        };
    }

    /** The wall time at which the partition {@code key} starts; fails with a reason if the key is malformed. */
    public LocalDateTime startOf(String key) {
        try {
            return switch (this) {
                case NONE -> {
                    if (!key.isEmpty()) {
                        throw new IllegalArgumentException("an unpartitioned asset has the empty partition key, got '" + key + "'");
                    }
                    yield LocalDateTime.MIN;
                }
                case DAILY -> LocalDate.parse(key, DAILY_KEY).atStartOfDay();
                case HOURLY -> LocalDateTime.parse(key, HOURLY_KEY);
            };
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + key + "' is not a " + yamlName() + " partition key (expected "
                    + (this == DAILY ? "YYYY-MM-DD" : "YYYY-MM-DDTHH") + ")", e);
        }
    }
}
