package io.freshet.core.yaml;

import java.util.List;

/**
 * A YAML value with the place it was written. The binder reads the model from these instead of
 * from a data-binding library so that every error can name file, line and column, duplicate
 * keys can be reported with both positions, and all errors of a file are collected.
 */
public sealed interface YNode permits YNode.Scalar, YNode.Mapping, YNode.Sequence {

    SourcePos pos();

    /** What the user wrote, for messages: "a mapping", "a list", "the number 3". */
    String describe();

    /**
     * A scalar. {@code plain} is true for unquoted scalars, whose text YAML may read as a number,
     * boolean or null; quoted scalars are always strings. {@code quoted} is true for '...' and
     * "..." scalars, so a position inside the text can be computed for one-line values.
     */
    record Scalar(String value, boolean plain, boolean quoted, SourcePos pos) implements YNode {

        public Scalar(String value, boolean plain, SourcePos pos) {
            this(value, plain, false, pos);
        }

        /**
         * The position of the character at {@code offset} in the value, when the value is written on
         * one line (plain or quoted); otherwise the position of the value itself.
         */
        public SourcePos posAt(int offset) {
            return span().at(offset);
        }

        public TextSpan span() {
            return new TextSpan(pos, quoted ? 1 : 0, value.indexOf('\n') < 0 && (plain || quoted));
        }

        public boolean isNull() {
            return plain && (value.isEmpty() || value.equals("~") || value.equals("null") || value.equals("Null") || value.equals("NULL"));
        }

        @Override
        public String describe() {
            return isNull() ? "nothing (null)" : "'" + value + "'";
        }
    }

    record Entry(Scalar key, YNode value) {
    }

    record Mapping(List<Entry> entries, SourcePos pos) implements YNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<YNode> items, SourcePos pos) implements YNode {
        @Override
        public String describe() {
            return "a list";
        }
    }
}
