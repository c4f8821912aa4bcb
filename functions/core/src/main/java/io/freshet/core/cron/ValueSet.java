package io.freshet.core.cron;

import java.util.BitSet;
import java.util.stream.IntStream;

/** The values one cron field allows, e.g. the minutes an expression fires at. Immutable. */
final class ValueSet {

    private final BitSet bits;

    ValueSet(BitSet bits) {
        this.bits = (BitSet) bits.clone();
    }

    boolean contains(int value) {
        return value >= 0 && bits.get(value);
    }

    /** The smallest value {@code >= from}, or -1 if there is none. */
    int ceiling(int from) {
        return bits.nextSetBit(Math.max(from, 0));
    }

    /** The largest value {@code <= from}, or -1 if there is none. */
    int floor(int from) {
        return from < 0 ? -1 : bits.previousSetBit(from);
    }

    IntStream stream() {
        return bits.stream();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueSet other && bits.equals(other.bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }

    @Override
    public String toString() {
        return bits.toString();
    }
}
