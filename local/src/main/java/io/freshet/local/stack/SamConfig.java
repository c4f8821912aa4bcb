package io.freshet.local.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code parameter_overrides} of a samconfig.toml, read the way SAM reads them: in the tables
 * {@code [<env>.global.parameters]} then {@code [<env>.deploy.parameters]} (the latter wins), as one
 * string of {@code Name=value} pairs separated by spaces ({@code "StackPrefix=\"freshet\" Env=dev"})
 * or as an array of such strings. Only what that needs of TOML is read: table headers, and one key
 * whose value is a basic or literal string or an array of them.
 */
final class SamConfig {

    private static final String KEY = "parameter_overrides";

    private SamConfig() {
    }

    /** @throws IllegalArgumentException when the overrides are not such strings */
    static Map<String, String> parameterOverrides(String toml, String env) {
        Map<String, String> global = new LinkedHashMap<>();
        Map<String, String> deploy = new LinkedHashMap<>();
        String table = "";
        String[] lines = toml.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("[")) {
                table = line.replaceAll("^\\[+\\s*|\\s*]+$", "");
            } else if (line.startsWith(KEY) && line.substring(KEY.length()).strip().startsWith("=")) {
                StringBuilder value = new StringBuilder(line.substring(line.indexOf('=') + 1).strip());
                while (value.toString().startsWith("[") && !value.toString().contains("]") && i + 1 < lines.length) {
                    value.append(' ').append(lines[++i].strip()); // an array over several lines
                }
                Map<String, String> into = table.equals(env + ".global.parameters") ? global
                        : table.equals(env + ".deploy.parameters") ? deploy : null;
                if (into != null) {
                    for (String pairs : strings(value.toString())) {
                        into.putAll(pairs(pairs));
                    }
                }
            }
        }
        global.putAll(deploy);
        return global;
    }

    /** The TOML strings of a value: one string, or an array of them. */
    private static List<String> strings(String value) {
        List<String> out = new ArrayList<>();
        int i = value.startsWith("[") ? 1 : 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '"' || c == '\'') {
                StringBuilder s = new StringBuilder();
                i = c == '"' ? basic(value, i + 1, s) : literal(value, i + 1, s);
                out.add(s.toString());
            } else if (c == '#' || c == ']') {
                break;
            } else if (c != ',' && !Character.isWhitespace(c)) {
                throw new IllegalArgumentException(KEY + " must be a string or an array of strings, not " + value);
            } else {
                i++;
            }
        }
        return out;
    }

    private static int basic(String v, int from, StringBuilder s) {
        for (int i = from; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < v.length()) {
                char e = v.charAt(++i);
                s.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                s.append(c);
            }
        }
        throw new IllegalArgumentException(KEY + " has a string that never ends: " + v);
    }

    private static int literal(String v, int from, StringBuilder s) {
        int end = v.indexOf('\'', from);
        if (end < 0) {
            throw new IllegalArgumentException(KEY + " has a string that never ends: " + v);
        }
        s.append(v, from, end);
        return end + 1;
    }

    /** SAM's {@code Name=value Name2="a value"} pairs. */
    static Map<String, String> pairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
                continue;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException(KEY + ": expected Name=value at '" + text.substring(i) + "'");
            }
            String name = text.substring(i, eq);
            StringBuilder value = new StringBuilder();
            i = eq + 1;
            if (i < text.length() && text.charAt(i) == '"') {
                i = basic(text, i + 1, value);
            } else {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    value.append(text.charAt(i++));
                }
            }
            out.put(name, value.toString());
        }
        return out;
    }
}
