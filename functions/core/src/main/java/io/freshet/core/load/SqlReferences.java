package io.freshet.core.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the two-part names ({@code layer.name}) a SQL text mentions outside string literals,
 * quoted identifiers and comments, with where each is. Only names that could be tables are kept:
 * a dotted pair preceded by another dot ({@code catalog.raw.taps}) is left out. Whether a name is
 * an asset is for the caller to decide, by exact match against the declared assets, so a
 * column reference {@code t.col} never counts unless {@code t.col} is itself an asset's name.
 */
final class SqlReferences {

    /** One mention: the name in lower case (SQL folds unquoted names), 1-based line and column in the text. */
    record Mention(String name, int line, int column) {
    }

    /** A {@code getvariable('<name>')} call with a plain literal argument: the name as written, where the literal starts. */
    record VariableUse(String name, int line, int column) {
    }

    private SqlReferences() {
    }

    static List<Mention> of(String sql) {
        return new Scan(sql).run();
    }

    /** The session variables the text reads by name; a call with any other argument (an expression) is not one. */
    static List<VariableUse> variables(String sql) {
        Scan scan = new Scan(sql);
        scan.run();
        return scan.variables;
    }

    /** Every name the text holds outside string literals and comments (quoted identifiers too), each part of a dotted chain on its own, in lower case. */
    static Set<String> words(String sql) {
        Scan scan = new Scan(sql);
        scan.run();
        return scan.words;
    }

    /** One pass over the text: the position, the line it is on, and the last character that was not blank. */
    private static final class Scan {
        private final String sql;
        private final int n;
        private final List<Mention> found = new ArrayList<>();
        private final List<VariableUse> variables = new ArrayList<>();
        private final Set<String> words = new HashSet<>();
        private int line = 1;
        private int lineStart = 0;
        private int i = 0;
        private char previousSignificant = ' ';

        Scan(String sql) {
            this.sql = sql;
            this.n = sql.length();
        }

        List<Mention> run() {
            while (i < n) {
                char c = sql.charAt(i);
                if (c == '\n') {
                    line++;
                    lineStart = i + 1;
                    i++;
                } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') { // line comment
                    while (i < n && sql.charAt(i) != '\n') i++;
                } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                    blockComment();
                } else if (c == '\'' || c == '"') {
                    quoted(c);
                } else if (isIdentifierStart(c)) {
                    name();
                } else {
                    if (!Character.isWhitespace(c)) {
                        previousSignificant = c;
                    }
                    i++;
                }
            }
            return found;
        }

        private void blockComment() {
            i += 2;
            while (i < n && !(sql.charAt(i) == '*' && i + 1 < n && sql.charAt(i + 1) == '/')) {
                if (sql.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
                i++;
            }
            i += 2;
        }

        /** A string literal or quoted identifier; a doubled quote escapes. */
        private void quoted(char c) {
            int j = i + 1;
            while (j < n) {
                char d = sql.charAt(j);
                if (d == '\n') {
                    line++;
                    lineStart = j + 1;
                }
                if (d == c) {
                    if (j + 1 < n && sql.charAt(j + 1) == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j++;
            }
            if (c == '"' && j <= n) {
                words.add(sql.substring(i + 1, j).replace("\"\"", "\"").toLowerCase(Locale.ROOT)); // DuckDB folds quoted names too
            }
            i = j + 1;
            previousSignificant = c;
        }

        private void name() {
            int start = i;
            int end = identifierEnd(i);
            int j = end;
            words.add(sql.substring(start, end).toLowerCase(Locale.ROOT));
            if (dotThenIdentifier(end) && previousSignificant != '.') {
                int k = identifierEnd(end + 1);
                found.add(new Mention((sql.substring(start, end) + "." + sql.substring(end + 1, k)).toLowerCase(Locale.ROOT),
                        line, start - lineStart + 1));
                // Skip the rest of a longer chain (raw.taps.card_id): its later parts are columns.
                words.add(sql.substring(end + 1, k).toLowerCase(Locale.ROOT));
                while (dotThenIdentifier(k)) {
                    int part = k + 1;
                    k = identifierEnd(part);
                    words.add(sql.substring(part, k).toLowerCase(Locale.ROOT));
                }
                j = k;
            } else if (sql.substring(start, end).equalsIgnoreCase("getvariable") && previousSignificant != '.') {
                variableArgument(end);
            }
            i = j;
            previousSignificant = 'a';
        }

        /**
         * Notes the argument of a {@code getvariable} call ending at {@code from} when it is one
         * literal without escapes: {@code ( 'name' )}. Only looks ahead; the scan goes on as before.
         */
        private void variableArgument(int from) {
            int open = skipBlanks(from);
            if (open >= n || sql.charAt(open) != '(') {
                return;
            }
            int quote = skipBlanks(open + 1);
            if (quote >= n || sql.charAt(quote) != '\'') {
                return;
            }
            int close = sql.indexOf('\'', quote + 1);
            if (close < 0 || skipBlanks(close + 1) >= n || sql.charAt(skipBlanks(close + 1)) != ')') {
                return; // an escaped quote or an expression after the literal: not a plain name
            }
            int atLine = line;
            int atLineStart = lineStart;
            for (int k = from; k < quote; k++) {
                if (sql.charAt(k) == '\n') {
                    atLine++;
                    atLineStart = k + 1;
                }
            }
            variables.add(new VariableUse(sql.substring(quote + 1, close), atLine, quote - atLineStart + 1));
        }

        private int skipBlanks(int from) {
            int k = from;
            while (k < n && Character.isWhitespace(sql.charAt(k))) k++;
            return k;
        }

        /** Where the identifier characters from {@code from} on end. */
        private int identifierEnd(int from) {
            int j = from;
            while (j < n && isIdentifierPart(sql.charAt(j))) j++;
            return j;
        }

        /** Whether a dot at {@code k} is followed by the start of another name. */
        private boolean dotThenIdentifier(int k) {
            return k < n && sql.charAt(k) == '.' && k + 1 < n && isIdentifierStart(sql.charAt(k + 1));
        }
    }

    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || c >= '0' && c <= '9' || c == '$';
    }
}
