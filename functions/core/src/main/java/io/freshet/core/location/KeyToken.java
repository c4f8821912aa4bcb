package io.freshet.core.location;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import io.freshet.core.partition.PartitionGrain;

/**
 * One piece of a location's key as parsed. Adjacent literal characters are merged into one
 * {@link Literal}, so a key is a short list of these.
 */
sealed interface KeyToken {

    /** The key of the partition starting at {@code start}, up to its first wildcard (parameters must be resolved). */
    static String renderUpToWildcard(List<KeyToken> key, LocalDateTime start) {
        StringBuilder out = new StringBuilder();
        for (KeyToken token : key) {
            switch (token) {
                case Literal l -> out.append(l.text());
                case Placeholder p -> out.append(p.field().render(start));
                case Wildcard w -> {
                    return out.toString();
                }
                case Parameter p -> throw new IllegalStateException("unresolved parameter " + p.text());
            }
        }
        return out.toString();
    }

    /** Characters that must appear as written. */
    record Literal(String text) implements KeyToken {}

    /** A deploy-time parameter {@code ${Name}}; see {@link LocationPattern#resolve}. */
    record Parameter(String name) implements KeyToken {
        String text() {
            return "${" + name + "}";
        }
    }

    /** {@code *} (any run of characters but {@code /}) or {@code **} (any run at all). */
    record Wildcard(boolean crossesSlashes) implements KeyToken {}

    /** A partition placeholder such as {@code {date}}. */
    record Placeholder(Field field) implements KeyToken {}

    /**
     * The partition placeholders. {@code example} is the shape of the value (every digit stands for
     * "a digit") and also the value used when we have to invent one, in overlap witnesses: a
     * plausible date reads better in an error message than 0000-00-00.
     */
    enum Field {
        DATE("date", "2026-01-01"),
        YEAR("year", "2026"),
        MONTH("month", "01"),
        DAY("day", "01"),
        HOUR("hour", "00");

        final String word;
        final String example;

        Field(String word, String example) {
            this.word = word;
            this.example = example;
        }

        /** Its value in the key of the partition starting at {@code start}. */
        String render(LocalDateTime start) {
            return switch (this) {
                case DATE -> PartitionGrain.DAILY.keyOf(start);
                case YEAR -> String.format("%04d", start.getYear());
                case MONTH -> String.format("%02d", start.getMonthValue());
                case DAY -> String.format("%02d", start.getDayOfMonth());
                case HOUR -> String.format("%02d", start.getHour());
            };
        }

        /** How users write it, braces included. */
        String written() {
            return "{" + word + "}";
        }

        /** A regex for the shape only: {@code [0-9]} for every digit of the example. */
        String shapeRegex() {
            return example.replaceAll("[0-9]", "[0-9]");
        }

        /**
         * A regex for the shape with any number of digits per group ({@code 5} for an hour,
         * {@code 2026-6-2} for a date): a key that matches it but not {@link #shapeRegex()} names
         * the placeholder in a form Freshet refuses instead of ignoring.
         */
        String looseRegex() {
            return example.replaceAll("[0-9]+", "[0-9]+");
        }

        static Optional<Field> byWord(String word) {
            for (Field f : values()) {
                if (f.word.equals(word)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }
}
