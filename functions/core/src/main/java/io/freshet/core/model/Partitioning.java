package io.freshet.core.model;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import io.freshet.core.partition.PartitionGrain;

/**
 * How a pipeline's outputs (or a source) are partitioned. Daily keys are dates in {@code zone};
 * hourly keys are always UTC hours, so that no day has 23 or 25 of them.
 */
public record Partitioning(PartitionGrain grain, ZoneId zone, Optional<LocalDate> start) {

    public static final Partitioning NONE = new Partitioning(PartitionGrain.NONE, ZoneOffset.UTC, Optional.empty());

    public static Partitioning of(PartitionGrain grain) {
        return new Partitioning(grain, ZoneOffset.UTC, Optional.empty());
    }

    public boolean isPartitioned() {
        return grain != PartitionGrain.NONE;
    }

    public String describe() {
        if (grain == PartitionGrain.NONE) {
            return "none";
        }
        String s = grain.yamlName() + (zone.equals(ZoneOffset.UTC) ? "" : " (" + zone.getId() + ")");
        return start.map(d -> s + " from " + d).orElse(s);
    }
}
