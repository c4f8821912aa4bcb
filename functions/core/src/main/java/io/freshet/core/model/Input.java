package io.freshet.core.model;

import java.util.Optional;

import io.freshet.core.yaml.SourcePos;

/**
 * An asset a pipeline reads, and how the input's partitions map onto the pipeline's.
 *
 * @param declaredMapping the mapping the YAML names, if any (the validator and {@code plan} tell
 *                        a declared mapping from the default)
 */
public record Input(String asset, Optional<PartitionMapping> declaredMapping, SourcePos pos) {

    /** The mapping in force: the declared one, else {@link PartitionMapping#DEFAULT}. */
    public PartitionMapping mapping() {
        return declaredMapping.orElse(PartitionMapping.DEFAULT);
    }
}
