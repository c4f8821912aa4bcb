package io.freshet.core.yaml;

/**
 * Where a scalar's text starts, so a position inside it (a misspelt asset in a condition) can be
 * reported exactly. For multi-line or block scalars only the scalar's own position is known.
 */
public record TextSpan(SourcePos start, int shift, boolean exact) {

    public SourcePos at(int offset) {
        return exact ? start.shifted(shift + offset) : start;
    }
}
