package io.freshet.core.model;

import java.util.Optional;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.yaml.SourcePos;

/**
 * A derived asset and the S3 prefix its pipeline writes it under.
 *
 * @param dynamicKey the column whose values the run decides ({@code partition_by}), if any
 */
public record Output(String asset, String description, LocationPattern location, SourcePos locationPos, SourcePos pos,
                     Optional<DynamicKey> dynamicKey) {

    /** An output without a dynamic key. */
    public Output(String asset, String description, LocationPattern location, SourcePos locationPos, SourcePos pos) {
        this(asset, description, location, locationPos, pos, Optional.empty());
    }
}
