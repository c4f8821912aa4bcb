package io.freshet.core.model;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.yaml.SourcePos;

/** A derived asset and the S3 prefix its pipeline writes it under. */
public record Output(String asset, String description, LocationPattern location, SourcePos locationPos, SourcePos pos) {
}
