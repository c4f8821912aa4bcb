package io.freshet.core.model;

import java.util.Optional;

import io.freshet.core.yaml.SourcePos;

/**
 * An asset a pipeline reads, and how the input's partitions map onto the pipeline's.
 *
 * @param declaredMapping the mapping the YAML names, if any (the validator and {@code plan} tell
 *                        a declared mapping from the default)
 * @param key             the one key of a dynamically keyed asset the input reads; empty: every key
 */
public record Input(String asset, Optional<PartitionMapping> declaredMapping, SourcePos pos, Optional<InputKey> key) {

    /** An input of the whole asset. */
    public Input(String asset, Optional<PartitionMapping> declaredMapping, SourcePos pos) {
        this(asset, declaredMapping, pos, Optional.empty());
    }

    /** The mapping in force: the declared one, else {@link PartitionMapping#DEFAULT}. */
    public PartitionMapping mapping() {
        return declaredMapping.orElse(PartitionMapping.DEFAULT);
    }
}
