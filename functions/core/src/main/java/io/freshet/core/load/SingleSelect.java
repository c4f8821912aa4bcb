package io.freshet.core.load;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether an observation's SQL is one read-only query: it starts with {@code SELECT} or
 * {@code WITH} and holds no second statement (a {@code ;} outside quotes, comments and dollar
 * quotes, other than one at the end). The tick also runs it in a read-only transaction; this is
 * the early, located answer to the mistake a reader would make (an UPDATE, two statements).
 */
final class SingleSelect {

    private SingleSelect() {
    }

    /** The problem with {@code sql}, or empty when it is a single SELECT; {@code offset} is where it was found. */
    record Problem(String message, int offset) {
    }

    static Optional<Problem> problem(String sql) {
        int start = skipBlanksAndComments(sql, 0);
        String head = sql.substring(start).split("[^A-Za-z]", 2)[0].toUpperCase(Locale.ROOT);
        if (!head.equals("SELECT") && !head.equals("WITH")) {
            return Optional.of(new Problem("must be a single SELECT (or WITH ... SELECT) returning the value to watch, got "
                    + (head.isEmpty() ? "no statement" : "'" + head + "'"), start));
        }
        int i = start;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == ';') {
                int rest = skipBlanksAndComments(sql, i + 1);
                if (rest < sql.length()) {
                    return Optional.of(new Problem("must be a single statement: a second one starts after the ';'", rest));
                }
                return Optional.empty();
            }
            i = next(sql, i);
        }
        return Optional.empty();
    }

    /** The index after the token at {@code i}: a quoted string, a quoted name, a comment, a dollar quote, or one character. */
    private static int next(String sql, int i) {
        char c = sql.charAt(i);
        if (c == '\'' || c == '"') {
            int end = sql.indexOf(c, i + 1);
            return end < 0 ? sql.length() : end + 1; // '' inside a string reads as two strings: same result
        }
        if (c == '-' && sql.startsWith("--", i) || c == '/' && sql.startsWith("/*", i)) {
            return comment(sql, i);
        }
        if (c == '$') {
            int close = sql.indexOf('$', i + 1);
            if (close > 0 && sql.substring(i + 1, close).matches("[A-Za-z_]?[A-Za-z0-9_]*")) {
                String tag = sql.substring(i, close + 1);
                int end = sql.indexOf(tag, close + 1);
                return end < 0 ? sql.length() : end + tag.length();
            }
        }
        return i + 1;
    }

    private static int comment(String sql, int i) {
        if (sql.startsWith("--", i)) {
            int end = sql.indexOf('\n', i);
            return end < 0 ? sql.length() : end + 1;
        }
        int end = sql.indexOf("*/", i + 2);
        return end < 0 ? sql.length() : end + 2;
    }

    private static int skipBlanksAndComments(String sql, int from) {
        int i = from;
        while (i < sql.length()) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
                i = comment(sql, i);
            } else {
                break;
            }
        }
        return i;
    }
}
