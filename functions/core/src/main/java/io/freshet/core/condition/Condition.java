package io.freshet.core.condition;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An asset condition such as {@code raw.taps & (raw.stations | raw.routes)}: {@code &} means
 * every operand updated since the consumer's last run, {@code |} means any. {@code &} binds
 * tighter than {@code |}, as in most languages.
 */
public sealed interface Condition permits Condition.Asset, Condition.All, Condition.Any {

    /** Whether the condition holds when exactly the assets accepted by {@code updated} have new data. */
    boolean holds(Predicate<String> updated);

    /** The assets named, in order of first appearance. */
    default Set<String> assets() {
        Set<String> out = new LinkedHashSet<>();
        references().forEach(a -> out.add(a.name()));
        return out;
    }

    /** Every place an asset is named, in order, with its offset in the text (for error positions). */
    default List<Asset> references() {
        List<Asset> out = new ArrayList<>();
        collect(out);
        return out;
    }

    void collect(List<Asset> out);

    /** The canonical text: single spaces, parentheses only where precedence needs them. */
    String text();

    /** An asset name at {@code offset} characters into the condition text it was parsed from. */
    record Asset(String name, int offset) implements Condition {
        @Override
        public boolean holds(Predicate<String> updated) {
            return updated.test(name);
        }

        @Override
        public void collect(List<Asset> out) {
            out.add(this);
        }

        @Override
        public String text() {
            return name;
        }

        // Offsets are where the name was written, not part of its meaning.
        @Override
        public boolean equals(Object o) {
            return o instanceof Asset a && a.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    record All(List<Condition> operands) implements Condition {
        public All {
            operands = List.copyOf(operands);
        }

        @Override
        public boolean holds(Predicate<String> updated) {
            return operands.stream().allMatch(c -> c.holds(updated));
        }

        @Override
        public void collect(List<Asset> out) {
            operands.forEach(c -> c.collect(out));
        }

        @Override
        public String text() {
            return operands.stream()
                    .map(c -> c instanceof Any ? "(" + c.text() + ")" : c.text())
                    .collect(Collectors.joining(" & "));
        }
    }

    record Any(List<Condition> operands) implements Condition {
        public Any {
            operands = List.copyOf(operands);
        }

        @Override
        public boolean holds(Predicate<String> updated) {
            return operands.stream().anyMatch(c -> c.holds(updated));
        }

        @Override
        public void collect(List<Asset> out) {
            operands.forEach(c -> c.collect(out));
        }

        @Override
        public String text() {
            return operands.stream().map(Condition::text).collect(Collectors.joining(" | "));
        }
    }
}
