package io.freshet.core.location;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object whose values are all strings, read and written without a JSON library: core
 * depends on none, and {@link StackParameters} needs no more than this.
 */
final class FlatJson {

    private final String text;
    private int at;

    private FlatJson(String text) {
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the character where the text stops being a flat object of strings */
    static Map<String, String> parseObject(String json) {
        FlatJson p = new FlatJson(json);
        Map<String, String> out = new LinkedHashMap<>();
        p.expect('{');
        if (!p.peek('}')) {
            do {
                String name = p.string();
                p.expect(':');
                String value = p.string();
                if (out.put(name, value) != null) {
                    throw p.error("'" + name + "' given twice");
                }
            } while (p.comma());
        }
        p.expect('}');
        p.skipSpace();
        if (p.at < json.length()) {
            throw p.error("text after the object");
        }
        return out;
    }

    static String write(Map<String, String> values) {
        StringBuilder b = new StringBuilder("{");
        values.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(quote(k)).append(':').append(quote(v)));
        return b.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    /** Whether the next significant character is {@code c} (not consumed). */
    private boolean peek(char c) {
        skipSpace();
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
        skipSpace();
        if (at >= text.length() || text.charAt(at) != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private boolean comma() {
        skipSpace();
        if (at < text.length() && text.charAt(at) == ',') {
            at++;
            return true;
        }
        return false;
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                b.append(escaped());
            } else if (c < 0x20) {
                throw error("a control character inside a string");
            } else {
                b.append(c);
            }
        }
        throw error("a string that never ends");
    }

    private char escaped() {
        if (at >= text.length()) {
            throw error("a string that never ends");
        }
        char e = text.charAt(at++);
        return switch (e) {
            case '"', '\\', '/' -> e;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> unicode();
            default -> throw error("an unknown escape \\" + e);
        };
    }

    private char unicode() {
        if (at + 4 > text.length()) {
            throw error("a \\u escape without four hex digits");
        }
        try {
            char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
            at += 4;
            return c;
        } catch (NumberFormatException e) {
            throw error("a \\u escape without four hex digits");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + (at + 1) + ": a JSON object of strings such as"
                + " {\"LakeBucket\":\"acme-lake\",\"Env\":\"dev\"} was expected");
    }
}
