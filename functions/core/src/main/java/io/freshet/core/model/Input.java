package io.freshet.core.model;

import java.util.Optional;

import io.freshet.core.yaml.SourcePos;

/** An asset a pipeline reads, and how the input's partitions map onto the pipeline's. */
public record Input(String asset, Optional<PartitionMapping> mapping, SourcePos pos) {
}
