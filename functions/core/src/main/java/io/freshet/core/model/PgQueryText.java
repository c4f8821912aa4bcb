package io.freshet.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The PostgreSQL query of a source, read as PostgreSQL reads its text: string literals
 * ({@code '...'}, {@code E'...'}, dollar-quoted {@code $tag$...$tag$}), quoted identifiers and
 * comments ({@code --}, nested {@code /* *}{@code /}) are skipped, so that a {@code {name}}
 * placeholder is found only where it is SQL. A placeholder is {@code {} an identifier {@code }}
 * (braces are not PostgreSQL syntax outside literals, so nothing valid is taken for one).
 *
 * <p>The loader validates with {@link #scan}; the runner turns each placeholder into an expression
 * reading a bound parameter with {@link #rewrite}, so a value is never spliced into the text.
 */
public final class PgQueryText {

    /** A {@code {name}} at {@code offset} (of its {@code {}), {@code length} characters long. */
    public record Placeholder(String name, int offset, int length) {
    }

    /**
     * @param placeholders every placeholder, in order
     * @param end          where the statement ends: the first {@code ;} outside literals, else the text's length
     * @param problem      what makes the text unusable as one query (with the offset it is at), if anything
     */
    public record Scan(List<Placeholder> placeholders, int end, Optional<Problem> problem) {
        public Scan {
            placeholders = List.copyOf(placeholders);
        }
    }

    /** A problem of the text at {@code offset}. */
    public record Problem(String message, int offset) {
    }

    private PgQueryText() {
    }

    public static Scan scan(String sql) {
        List<Placeholder> found = new ArrayList<>();
        int end = -1;
        List<Problem> problems = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            int skipped = skipLiteralOrComment(sql, i);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            char c = sql.charAt(i);
            int close = placeholderEnd(sql, i);
            if (close > 0) {
                found.add(new Placeholder(sql.substring(i + 1, close), i, close + 1 - i));
                i = close;
            } else if (isPositionalParameter(sql, i)) {
                problems.add(new Problem("positional parameters such as $1 are not supported here: write a placeholder such as {partition_start}", i));
            } else if (c == ';' && end < 0) {
                end = i;
            } else if (end >= 0 && !Character.isWhitespace(c) && c != ';') {
                problems.add(new Problem("the query holds more than one statement: a source reads one query (no ';' but a final one)", end));
            }
            i++;
        }
        return new Scan(found, end < 0 ? sql.length() : end, problems.stream().findFirst());
    }

    /** For a placeholder whose {@code {} is at {@code i}: the index of its {@code }}, else -1. */
    private static int placeholderEnd(String sql, int i) {
        if (sql.charAt(i) != '{') {
            return -1;
        }
        int close = identifierEnd(sql, i + 1);
        return close > i + 1 && close < sql.length() && sql.charAt(close) == '}' ? close : -1;
    }

    private static boolean isPositionalParameter(String sql, int i) {
        return sql.charAt(i) == '$' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1)) && (i == 0 || !identChar(sql.charAt(i - 1)));
    }

    /**
     * After the string literal ({@code '...'}, {@code E'...'}, {@code $tag$...$tag$}), quoted
     * identifier or comment starting at {@code i}; {@code i} when none starts there. (Also what
     * {@code bench snapshot} cuts a SQL file into statements with.)
     */
    public static int skipLiteralOrComment(String sql, int i) {
        char c = sql.charAt(i);
        boolean twoChars = i + 1 < sql.length();
        if (c == '\'') {
            boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e') && (i < 2 || !identChar(sql.charAt(i - 2)));
            return quoted(sql, i, '\'', escapes);
        }
        if (c == '"') {
            return quoted(sql, i, '"', false);
        }
        if (c == '-' && twoChars && sql.charAt(i + 1) == '-') {
            int nl = sql.indexOf('\n', i);
            return nl < 0 ? sql.length() : nl + 1;
        }
        if (c == '/' && twoChars && sql.charAt(i + 1) == '*') {
            return blockComment(sql, i);
        }
        return skipDollarQuoted(sql, i);
    }

    private static int skipDollarQuoted(String sql, int i) {
        if (sql.charAt(i) == '$' && (i == 0 || !identChar(sql.charAt(i - 1)))) {
            int tagEnd = dollarTagEnd(sql, i);
            if (tagEnd > 0) {
                String tag = sql.substring(i, tagEnd + 1);
                int closing = sql.indexOf(tag, tagEnd + 1);
                return closing < 0 ? sql.length() : closing + tag.length();
            }
        }
        return i;
    }

    /**
     * The statement (up to a final {@code ;}) with every placeholder replaced by
     * {@code replacement.apply(name)}; the rest of the text as written.
     */
    public static String rewrite(String sql, UnaryOperator<String> replacement) {
        Scan scan = scan(sql);
        StringBuilder out = new StringBuilder(sql.length() + 64);
        int from = 0;
        for (Placeholder p : scan.placeholders()) {
            if (p.offset() >= scan.end()) {
                break;
            }
            out.append(sql, from, p.offset()).append(replacement.apply(p.name()));
            from = p.offset() + p.length();
        }
        return out.append(sql, from, scan.end()).toString();
    }

    private static boolean identChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** The index after the closing quote ({@code ''} or {@code ""} doubled inside; backslash escapes in E strings). */
    private static int quoted(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static int blockComment(String sql, int open) {
        int depth = 0;
        int i = open;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** For {@code $tag$} (or {@code $$}) at {@code i}: the index of the closing {@code $} of the tag, else -1. */
    private static int dollarTagEnd(String sql, int i) {
        int j = i + 1;
        if (j < sql.length() && Character.isDigit(sql.charAt(j))) {
            return -1;
        }
        while (j < sql.length() && identChar(sql.charAt(j))) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? j : -1;
    }

    private static int identifierEnd(String sql, int from) {
        int i = from;
        if (i >= sql.length() || !(Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
            return from;
        }
        while (i < sql.length() && identChar(sql.charAt(i))) {
            i++;
        }
        return i;
    }
}
