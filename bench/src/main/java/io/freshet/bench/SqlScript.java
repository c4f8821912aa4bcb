package io.freshet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A SQL file cut into its statements as psql cuts one: at each semicolon outside quotes ('...',
 * E'...' with backslash escapes, "...", $tag$...$tag$), comments (--, nested slash-star),
 * parentheses and a function body in BEGIN ATOMIC ... END. Each statement then runs on its own,
 * outside a transaction block unless the file opens one, so VACUUM and CREATE INDEX CONCURRENTLY
 * run as they do in psql, and an error's position is found in the file from its statement's.
 */
final class SqlScript {

    /** One statement and where it starts in the file. */
    record Statement(int offset, String sql) {
    }

    /** A line of the file that psql would take as a meta-command ({@code \copy}, {@code \set}): not SQL, so not run. */
    static final class MetaCommandException extends IllegalArgumentException {
        final int offset;

        MetaCommandException(int offset, String command) {
            super("psql's meta-command " + command + " is not SQL; the bench runs SQL only (load data with INSERT ... SELECT or COPY ... FROM PROGRAM)");
            this.offset = offset;
        }
    }

    private final String sql;
    private int pos;
    private int parens;
    /** Depth of BEGIN [ATOMIC] ... END (and CASE ... END inside it) in a CREATE FUNCTION or PROCEDURE. */
    private int blocks;
    private final List<String> words = new ArrayList<>();

    private SqlScript(String sql) {
        this.sql = sql;
    }

    /** The statements of {@code sql}, in order; empty ones (only blanks and comments) left out. */
    static List<Statement> split(String sql) {
        return new SqlScript(sql).statements();
    }

    private List<Statement> statements() {
        List<Statement> out = new ArrayList<>();
        int start = 0;
        boolean content = false;
        while (pos < sql.length()) {
            char ch = sql.charAt(pos);
            if (!content && ch == '\\') {
                int end = pos + 1;
                while (end < sql.length() && !Character.isWhitespace(sql.charAt(end))) {
                    end++;
                }
                throw new MetaCommandException(pos, sql.substring(pos, end));
            }
            if (ch == ';' && parens == 0 && blocks == 0) {
                if (content) {
                    out.add(new Statement(start, sql.substring(start, pos)));
                }
                pos++;
                start = pos;
                content = false;
                words.clear();
                continue;
            }
            if (Character.isWhitespace(ch)) {
                pos++;
                continue;
            }
            if (!skipComment()) {
                if (!content) {
                    start = pos;
                    content = true;
                }
                token(ch);
            }
        }
        if (content) {
            out.add(new Statement(start, sql.substring(start)));
        }
        return out;
    }

    /** Skips a comment at {@code pos}, if one starts there. */
    private boolean skipComment() {
        if (sql.startsWith("--", pos)) {
            int end = sql.indexOf('\n', pos);
            pos = end < 0 ? sql.length() : end + 1;
            return true;
        }
        if (sql.startsWith("/*", pos)) {
            int depth = 0;
            while (pos < sql.length()) {
                if (sql.startsWith("/*", pos)) {
                    depth++;
                    pos += 2;
                } else if (sql.startsWith("*/", pos)) {
                    depth--;
                    pos += 2;
                    if (depth == 0) {
                        return true;
                    }
                } else {
                    pos++;
                }
            }
            return true;
        }
        return false;
    }

    private void token(char ch) {
        if (ch == '\'') {
            quoted('\'', false);
        } else if (ch == '"') {
            quoted('"', false);
        } else if (ch == '$' && dollarQuote()) {
            return;
        } else if (ch == '(') {
            parens++;
            pos++;
        } else if (ch == ')') {
            parens = Math.max(0, parens - 1);
            pos++;
        } else if (isIdentStart(ch)) {
            word();
        } else {
            pos++;
        }
    }

    /** A word: an identifier or key word, or the E of an escape string (E'...'). */
    private void word() {
        int start = pos;
        while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
            pos++;
        }
        String word = sql.substring(start, pos).toUpperCase(Locale.ROOT);
        if (word.equals("E") && pos < sql.length() && sql.charAt(pos) == '\'') {
            quoted('\'', true);
            return;
        }
        words.add(word);
        if (isRoutine()) {
            switch (word) {
                case "BEGIN" -> blocks++;
                case "CASE" -> blocks += blocks > 0 ? 1 : 0;
                case "END" -> blocks = Math.max(0, blocks - 1);
                default -> {
                }
            }
        }
    }

    /** Whether the statement so far is CREATE [OR REPLACE] FUNCTION or PROCEDURE, whose body may hold BEGIN ATOMIC ... END. */
    private boolean isRoutine() {
        if (words.size() < 2 || !words.get(0).equals("CREATE")) {
            return false;
        }
        int i = words.size() > 3 && words.get(1).equals("OR") && words.get(2).equals("REPLACE") ? 3 : 1;
        return i < words.size() && (words.get(i).equals("FUNCTION") || words.get(i).equals("PROCEDURE"));
    }

    /** A quoted string or identifier from {@code pos}, its quote doubled inside; with {@code backslashes}, \ escapes the next character. */
    private void quoted(char quote, boolean backslashes) {
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (backslashes && c == '\\') {
                pos += 2;
            } else if (c == quote) {
                pos++;
                if (pos < sql.length() && sql.charAt(pos) == quote) {
                    pos++;
                } else {
                    return;
                }
            } else {
                pos++;
            }
        }
    }

    /** A dollar-quoted string ($$...$$, $body$...$body$) from {@code pos}, if one starts there; else false ($1 is a parameter). */
    private boolean dollarQuote() {
        int end = pos + 1;
        while (end < sql.length() && sql.charAt(end) != '$') {
            char c = sql.charAt(end);
            if (end == pos + 1 ? !isIdentStart(c) : !isIdentPart(c) || c == '$') {
                return false;
            }
            end++;
        }
        if (end >= sql.length()) {
            return false;
        }
        String tag = sql.substring(pos, end + 1);
        int close = sql.indexOf(tag, end + 1);
        pos = close < 0 ? sql.length() : close + tag.length();
        return true;
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 127;
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || Character.isDigit(c) || c == '$';
    }
}
