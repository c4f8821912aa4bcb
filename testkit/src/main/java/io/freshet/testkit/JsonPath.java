package io.freshet.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSONPath subset EventBridge input paths use: {@code $}, then fields in dot notation
 * ({@code $.detail.asset}, {@code $.detail-type}), array indices ({@code $.resources[0]}) and
 * quoted fields in brackets ({@code $['detail']['a.b']}). Wildcards and filters are rejected when
 * the target is put, so a typo fails PutTargets instead of every delivery.
 */
final class JsonPath {

    private final String text;
    private final List<Object> steps; // String (field) or Integer (index)

    private JsonPath(String text, List<Object> steps) {
        this.text = text;
        this.steps = List.copyOf(steps);
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code text} */
    static JsonPath parse(String text) {
        if (text == null || !text.startsWith("$")) {
            throw new IllegalArgumentException("a JSON path starts with $: " + text);
        }
        List<Object> steps = new ArrayList<>();
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
                    end++;
                }
                String field = text.substring(i + 1, end);
                if (field.isEmpty() || field.equals("*")) {
                    throw new IllegalArgumentException("unsupported JSON path (empty field, wildcard or ..): " + text);
                }
                steps.add(field);
                i = end;
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed [ in JSON path: " + text);
                }
                steps.add(bracket(text, text.substring(i + 1, close)));
                i = close + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i + " in JSON path: " + text);
            }
        }
        return new JsonPath(text, steps);
    }

    private static Object bracket(String path, String inside) {
        if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'") || inside.startsWith("\"") && inside.endsWith("\""))) {
            return inside.substring(1, inside.length() - 1);
        }
        try {
            int index = Integer.parseInt(inside);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("unsupported JSON path (only indices and quoted fields in brackets): " + path);
    }

    /** The value at this path in {@code root}, or empty when some step is missing. */
    Optional<JsonNode> read(JsonNode root) {
        JsonNode node = root;
        for (Object step : steps) {
            node = step instanceof Integer index ? node.get(index) : node.get((String) step);
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    @Override
    public String toString() {
        return text;
    }
}
