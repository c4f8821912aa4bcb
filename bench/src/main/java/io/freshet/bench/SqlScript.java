package io.freshet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.freshet.core.error.InputRejectedException;
import io.freshet.core.model.PgQueryText;

/**
 * A SQL file cut into its statements as psql cuts one: at each semicolon outside string literals,
 * quoted identifiers and comments (skipped as PostgreSQL reads them, {@link
 * PgQueryText#skipLiteralOrComment}), parentheses and a function body in BEGIN ATOMIC ... END.
 * Each statement then runs on its own, outside a transaction block unless the file opens one, so
 * VACUUM and CREATE INDEX CONCURRENTLY run as they do in psql, and an error's position is found in
 * the file from its statement's.
 */
final class SqlScript {

    /** One statement and where it starts in the file. */
    record Statement(int offset, String sql) {
    }

    /** A line of the file that psql would take as a meta-command ({@code \copy}, {@code \set}): not SQL, so not run. */
    static final class MetaCommandException extends InputRejectedException {
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
                throw metaCommand();
            }
            if (ch == ';' && parens == 0 && blocks == 0) {
                if (content) {
                    out.add(new Statement(start, sql.substring(start, pos)));
                }
                pos++;
                content = false;
                words.clear();
                continue;
            }
            if (Character.isWhitespace(ch)) {
                pos++;
                continue;
            }
            int skipped = PgQueryText.skipLiteralOrComment(sql, pos);
            boolean comment = sql.startsWith("--", pos) || sql.startsWith("/*", pos);
            if (!content && !comment) {
                start = pos;
                content = true;
            }
            if (skipped > pos) {
                pos = skipped;
            } else {
                token(ch);
            }
        }
        if (content) {
            out.add(new Statement(start, sql.substring(start)));
        }
        return out;
    }

    /** The meta-command at {@code pos} (a backslash where a statement would start), refused. */
    private MetaCommandException metaCommand() {
        int end = pos + 1;
        while (end < sql.length() && !Character.isWhitespace(sql.charAt(end))) {
            end++;
        }
        return new MetaCommandException(pos, sql.substring(pos, end));
    }

    private void token(char ch) {
        if (ch == '(') {
            parens++;
            pos++;
        } else if (ch == ')') {
            parens = Math.max(0, parens - 1);
            pos++;
        } else if (Character.isLetter(ch) || ch == '_') {
            word();
        } else {
            pos++;
        }
    }

    /** An identifier or key word; BEGIN, CASE and END move {@link #blocks} inside a routine's definition. */
    private void word() {
        int start = pos;
        while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_' || sql.charAt(pos) == '$')) {
            pos++;
        }
        String word = sql.substring(start, pos).toUpperCase(Locale.ROOT);
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
}
