package io.freshet.core.condition;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for asset conditions.
 * <pre>
 *   any   := all ('|' all)*
 *   all   := atom ('&' atom)*
 *   atom  := ASSET | '(' any ')'
 *   ASSET := segment ('.' segment)*   segment := [a-z][a-z0-9_]*
 * </pre>
 * Nested operators of the same kind are flattened, so {@code a & (b & c)} equals {@code a & b & c}.
 */
public final class ConditionParser {

    /**
     * How deep parentheses may nest: far beyond any real condition, and shallow enough that the
     * parser and every recursive walk over a condition stay clear of the stack's end.
     */
    static final int MAX_DEPTH = 50;

    private final String text;
    private int pos;
    private int depth;

    private ConditionParser(String text) {
        this.text = text;
    }

    public static Condition parse(String text) {
        ConditionParser p = new ConditionParser(text);
        p.skipSpace();
        if (p.pos == text.length()) {
            throw new ConditionSyntaxException("the condition is empty: expected asset names joined by & and |", 0);
        }
        Condition c = p.any();
        p.skipSpace();
        if (p.pos < text.length()) {
            char ch = text.charAt(p.pos);
            throw new ConditionSyntaxException(ch == ')'
                    ? "unbalanced ')': no '(' to close"
                    : "expected '&', '|' or the end of the condition, got '" + ch + "'", p.pos);
        }
        return c;
    }

    private Condition any() {
        List<Condition> operands = new ArrayList<>();
        addFlat(operands, all(), Condition.Any.class);
        while (peek('|')) {
            pos++;
            addFlat(operands, all(), Condition.Any.class);
        }
        return operands.size() == 1 ? operands.get(0) : new Condition.Any(operands);
    }

    private Condition all() {
        List<Condition> operands = new ArrayList<>();
        addFlat(operands, atom(), Condition.All.class);
        while (peek('&')) {
            pos++;
            addFlat(operands, atom(), Condition.All.class);
        }
        return operands.size() == 1 ? operands.get(0) : new Condition.All(operands);
    }

    private static void addFlat(List<Condition> into, Condition c, Class<? extends Condition> kind) {
        if (kind == Condition.All.class && c instanceof Condition.All all) {
            into.addAll(all.operands());
        } else if (kind == Condition.Any.class && c instanceof Condition.Any any) {
            into.addAll(any.operands());
        } else {
            into.add(c);
        }
    }

    private Condition atom() {
        skipSpace();
        if (pos >= text.length()) {
            throw new ConditionSyntaxException("expected an asset name or '(' at the end of the condition", pos);
        }
        char ch = text.charAt(pos);
        if (ch == '(') {
            int open = pos++;
            if (++depth > MAX_DEPTH) {
                throw new ConditionSyntaxException("parentheses nested more than " + MAX_DEPTH + " deep", open);
            }
            Condition inner = any();
            depth--;
            skipSpace();
            if (pos >= text.length() || text.charAt(pos) != ')') {
                throw new ConditionSyntaxException("unbalanced '(': expected ')' to close it", open);
            }
            pos++;
            return inner;
        }
        if (ch >= 'a' && ch <= 'z') {
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            String name = text.substring(start, pos);
            if (!name.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
                throw new ConditionSyntaxException("'" + name + "' is not an asset name (dotted lower-case words such as raw.taps)", start);
            }
            return new Condition.Asset(name, start);
        }
        if (ch == '&' || ch == '|' || ch == ')') {
            throw new ConditionSyntaxException("expected an asset name or '(' before '" + ch + "'", pos);
        }
        throw new ConditionSyntaxException("unexpected character '" + ch + "': conditions use asset names, &, | and parentheses", pos);
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c >= 'A' && c <= 'Z' || c == '-';
    }

    private boolean peek(char c) {
        skipSpace();
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
