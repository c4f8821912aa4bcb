package io.freshet.core.location;

import io.freshet.core.location.KeyToken.Field;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns location text into its parts, or fails at the first problem with its offset. The
 * grammar is in {@link LocationPattern}; this class only reads it.
 */
final class LocationParser {

    static final String SCHEME = "s3://";

    /** What a location is made of: the raw bucket text, whether it is a parameter, and the key. */
    record Parts(String bucket, boolean bucketIsParameter, List<KeyToken> key) {}

    private final String text;
    private final List<KeyToken> tokens = new ArrayList<>();
    private final StringBuilder literal = new StringBuilder();
    /** Offset of each placeholder seen so far, for the "appears twice" and completeness checks. */
    private final Map<Field, Integer> placeholders = new EnumMap<>(Field.class);

    private LocationParser(String text) {
        this.text = text;
    }

    static Parts parse(String text) {
        return new LocationParser(text).parse();
    }

    private Parts parse() {
        for (int i = 0; i < SCHEME.length(); i++) {
            if (i >= text.length() || text.charAt(i) != SCHEME.charAt(i)) {
                throw error(i, "expected s3:// at the start");
            }
        }
        int bucketStart = SCHEME.length();
        int slash = text.indexOf('/', bucketStart);
        int bucketEnd = slash < 0 ? text.length() : slash;
        if (bucketEnd == bucketStart) {
            throw error(bucketStart, "expected a bucket name after s3://");
        }

        boolean bucketIsParameter = text.startsWith("${", bucketStart);
        if (bucketIsParameter) {
            String name = parameterAt(text, bucketStart);
            int end = bucketStart + name.length() + 3;
            if (end != bucketEnd) {
                throw error(end, "expected / after ${" + name + "}: a bucket is a name or a single ${Parameter}");
            }
        } else {
            LocationSyntaxException problem = bucketNameError(text, bucketStart, bucketEnd);
            if (problem != null) {
                throw problem;
            }
        }
        if (slash < 0) {
            throw error(text.length(), "expected / and a key after the bucket");
        }
        parseKey(slash + 1);
        return new Parts(text.substring(bucketStart, bucketEnd), bucketIsParameter, List.copyOf(tokens));
    }

    private void parseKey(int start) {
        if (start == text.length()) {
            throw error(start, "expected a key after the bucket");
        }
        if (text.charAt(start) == '/') {
            throw error(start, "expected a key that does not start with /");
        }
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("${", i)) {
                String name = parameterAt(text, i);
                add(new KeyToken.Parameter(name));
                i += name.length() + 3;
            } else if (c == '{') {
                i = placeholderAt(i);
            } else if (c == '}') {
                throw error(i, "unbalanced }: expected { before it");
            } else if (c == '*') {
                i = wildcardAt(i);
            } else if (c == '/' && text.charAt(i - 1) == '/') {
                // i > start here: a '/' at start was rejected above.
                throw error(i, "expected a path segment between slashes, found //");
            } else if (Character.isISOControl(c)) {
                throw error(i, String.format("control character U+%04X is not allowed in a key", (int) c));
            } else if ("\\?[]#".indexOf(c) >= 0) {
                // AWS lists these among the characters to avoid in keys: tools quote or mangle them.
                throw error(i, "'" + c + "' is not allowed in a key: avoid \\ ? [ ] # and control characters");
            } else {
                literal.append(c);
                i++;
            }
        }
        flushLiteral();
        checkPlaceholdersFormAPartition();
    }

    /** Reads {@code *} or {@code **} at {@code star}, returns the offset after it. */
    private int wildcardAt(int star) {
        int run = 0;
        while (star + run < text.length() && text.charAt(star + run) == '*') {
            run++;
        }
        if (run > 2) {
            throw error(star, "expected * or **, found " + "*".repeat(run));
        }
        add(new KeyToken.Wildcard(run == 2));
        return star + run;
    }

    /** Reads {@code {word}} at {@code open}, checks it against earlier placeholders, returns the offset after it. */
    private int placeholderAt(int open) {
        int end = open + 1;
        while (end < text.length() && isPlaceholderWordChar(text.charAt(end))) {
            end++;
        }
        if (end >= text.length() || text.charAt(end) != '}') {
            throw error(open, "unbalanced {: expected a placeholder such as {date}");
        }
        String word = text.substring(open + 1, end);
        Field field = Field.byWord(word).orElseThrow(() -> error(open,
                "unknown placeholder {" + word + "}: expected {date}, {year}, {month}, {day} or {hour}"));
        if (placeholders.containsKey(field)) {
            throw error(open, field.written() + " appears twice: expected each placeholder at most once");
        }
        // A date written both ways would have two sources of truth for one partition key.
        boolean isDatePart = field == Field.YEAR || field == Field.MONTH || field == Field.DAY;
        boolean hasDatePart = placeholders.containsKey(Field.YEAR) || placeholders.containsKey(Field.MONTH)
                || placeholders.containsKey(Field.DAY);
        if ((isDatePart && placeholders.containsKey(Field.DATE)) || (field == Field.DATE && hasDatePart)) {
            throw error(open, field.written() + " cannot be combined with "
                    + (field == Field.DATE ? firstDatePart().written() : "{date}")
                    + ": expected either {date} or {year}, {month} and {day}");
        }
        placeholders.put(field, open);
        add(new KeyToken.Placeholder(field));
        return end + 1;
    }

    private Field firstDatePart() {
        return Stream.of(Field.YEAR, Field.MONTH, Field.DAY)
                .filter(placeholders::containsKey)
                .min((a, b) -> Integer.compare(placeholders.get(a), placeholders.get(b)))
                .orElseThrow();
    }

    /**
     * Partitions are daily or hourly ({@link io.freshet.core.partition.PartitionGrain}), so the
     * placeholders must spell a whole date, plus perhaps an hour. A lone {@code {year}} or a
     * year and month would describe a monthly or yearly partition, which does not exist; rejecting
     * it here is clearer than silently treating such a location as unpartitioned.
     */
    private void checkPlaceholdersFormAPartition() {
        if (!placeholders.containsKey(Field.DATE)) {
            List<Field> parts = Stream.of(Field.YEAR, Field.MONTH, Field.DAY).filter(placeholders::containsKey).toList();
            if (!parts.isEmpty() && parts.size() < 3) {
                String missing = Stream.of(Field.YEAR, Field.MONTH, Field.DAY)
                        .filter(f -> !placeholders.containsKey(f))
                        .map(Field::written)
                        .collect(Collectors.joining(" and "));
                throw error(placeholders.get(firstDatePart()),
                        "incomplete date: expected {year}, {month} and {day} together, missing " + missing);
            }
        }
        Integer hour = placeholders.get(Field.HOUR);
        if (hour != null && !placeholders.containsKey(Field.DATE) && !placeholders.containsKey(Field.YEAR)) {
            throw error(hour, "{hour} needs a date: expected {date}, or {year}, {month} and {day}");
        }
    }

    private void add(KeyToken token) {
        flushLiteral();
        tokens.add(token);
    }

    private void flushLiteral() {
        if (!literal.isEmpty()) {
            tokens.add(new KeyToken.Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    /** Reads {@code ${Name}} starting at {@code dollar} and returns Name. */
    static String parameterAt(String text, int dollar) {
        int nameStart = dollar + 2;
        if (nameStart >= text.length() || !isAsciiLetter(text.charAt(nameStart))) {
            throw error(nameStart, "expected a parameter name after ${: a letter, then letters or digits");
        }
        int end = nameStart + 1;
        while (end < text.length() && (isAsciiLetter(text.charAt(end)) || isAsciiDigit(text.charAt(end)))) {
            end++;
        }
        String name = text.substring(nameStart, end);
        if (end >= text.length() || text.charAt(end) != '}') {
            throw error(end, "expected } to end ${" + name);
        }
        return name;
    }

    /** The problem with the bucket name {@code text[start, end)}, or null if it is a valid S3 bucket name. */
    static LocationSyntaxException bucketNameError(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!(isAsciiLowercase(c) || isAsciiDigit(c) || c == '.' || c == '-')) {
                return error(i, "invalid bucket name: expected lowercase letters, digits, dots or hyphens");
            }
        }
        if (end - start < 3 || end - start > 63) {
            return error(start, "invalid bucket name: expected 3 to 63 characters");
        }
        // S3 also requires a letter or digit at both ends; a name breaking that cannot exist.
        for (int i : new int[] {start, end - 1}) {
            char c = text.charAt(i);
            if (!(isAsciiLowercase(c) || isAsciiDigit(c))) {
                return error(i, "invalid bucket name: expected a letter or digit at the start and end");
            }
        }
        return null;
    }

    private static boolean isPlaceholderWordChar(char c) {
        return isAsciiLetter(c) || isAsciiDigit(c) || c == '_' || c == '-';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiLowercase(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static LocationSyntaxException error(int offset, String message) {
        return new LocationSyntaxException(message, offset);
    }
}
