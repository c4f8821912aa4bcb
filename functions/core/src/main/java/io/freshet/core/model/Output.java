package io.freshet.core.model;

import java.util.Objects;
import java.util.Optional;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.yaml.SourcePos;

/**
 * A derived asset and the S3 prefix its pipeline writes it under.
 *
 * @param dynamicKey the column whose values the run decides ({@code partition_by}), if any
 * @param postgres   where each published partition is also loaded in PostgreSQL, if anywhere
 */
public record Output(String asset, String description, LocationPattern location, SourcePos locationPos, SourcePos pos,
                     Optional<DynamicKey> dynamicKey, Optional<PostgresOutput> postgres) {

    public Output {
        Objects.requireNonNull(dynamicKey, "dynamicKey");
        Objects.requireNonNull(postgres, "postgres");
    }

    /** An output kept in the lake only, without a dynamic key. */
    public Output(String asset, String description, LocationPattern location, SourcePos locationPos, SourcePos pos) {
        this(asset, description, location, locationPos, pos, Optional.empty(), Optional.empty());
    }
}
