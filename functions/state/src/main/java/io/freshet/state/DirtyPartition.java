package io.freshet.state;

/** A partition of a pipeline that got new input; {@code touched} tells a later touch apart. */
public record DirtyPartition(String partition, String touched) {
}
