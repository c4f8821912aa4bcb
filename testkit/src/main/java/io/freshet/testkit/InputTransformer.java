package io.freshet.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * What a target receives for a matching event, as EventBridge computes it from the target's
 * {@code Input} (a constant JSON text), {@code InputPath} (a part of the event) or
 * {@code InputTransformer} (a template); without any of them, the whole event.
 *
 * <p>Templates follow AWS's rules: {@code <name>} is replaced by the value its InputPathsMap path
 * reads from the event. Inside a JSON string of the template a string value goes in raw
 * ({@code "<asset>"} gives {@code "raw.taps"}) and any other value as its JSON text, neither
 * escaped (AWS does not escape); outside strings every value goes in as JSON ({@code <asset>}
 * gives {@code "raw.taps"}, {@code <detail>} an object).
 * A path that reads nothing gives an empty string inside a string and {@code null} outside.
 * Predefined: {@code <aws.events.event.json>} (the whole event), {@code <aws.events.event>} (the
 * event without {@code detail}, as AWS documents), {@code <aws.events.rule-name>},
 * {@code <aws.events.rule-arn>}, {@code <aws.events.event.ingestion-time>}.
 */
sealed interface InputTransformer {

    /** What rendering can read: the matched rule, the event envelope, when it was received. */
    record Context(Rule rule, ObjectNode event, Instant ingestionTime) {
    }

    String render(Context context);

    /** Reads and checks a PutTargets target's input settings; at most one may be given. */
    static InputTransformer of(JsonNode target) {
        JsonNode input = target.get("Input");
        JsonNode inputPath = target.get("InputPath");
        JsonNode transformer = target.get("InputTransformer");
        int given = (input != null ? 1 : 0) + (inputPath != null ? 1 : 0) + (transformer != null ? 1 : 0);
        if (given > 1) {
            throw ApiError.validation("Only one of Input, InputPath, or InputTransformer must be provided.");
        }
        if (input != null) {
            if (Json.parseOrNull(input.asText()) == null) {
                throw ApiError.validation("Input for target " + Json.text(target, "Id") + " is not valid JSON text.");
            }
            return new Constant(input.asText());
        }
        if (inputPath != null) {
            return new Path(path(inputPath.asText(), "InputPath"));
        }
        if (transformer != null) {
            return Template.of(transformer);
        }
        return new WholeEvent();
    }

    private static JsonPath path(String text, String what) {
        try {
            return JsonPath.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.validation(what + " is not valid: " + e.getMessage());
        }
    }

    /** No input setting: the event itself. */
    record WholeEvent() implements InputTransformer {
        @Override
        public String render(Context context) {
            return Json.write(context.event());
        }
    }

    /** {@code Input}: the same JSON text for every event. */
    record Constant(String json) implements InputTransformer {
        @Override
        public String render(Context context) {
            return json;
        }
    }

    /** {@code InputPath}: the part of the event at the path ({@code null} when absent). */
    record Path(JsonPath path) implements InputTransformer {
        @Override
        public String render(Context context) {
            return path.read(context.event()).map(Json::write).orElse("null");
        }
    }

    /** {@code InputTransformer}: {@code InputPathsMap} and {@code InputTemplate}. */
    record Template(Map<String, JsonPath> paths, String template) implements InputTransformer {

        private static final Pattern VARIABLE = Pattern.compile("[A-Za-z0-9_\\-]+");
        private static final int MAX_VARIABLES = 100;

        static Template of(JsonNode transformer) {
            String template = Json.text(transformer, "InputTemplate");
            if (template == null || template.isEmpty()) {
                throw ApiError.validation("InputTransformer needs an InputTemplate.");
            }
            Map<String, JsonPath> paths = new LinkedHashMap<>();
            JsonNode map = transformer.path("InputPathsMap");
            if (map.size() > MAX_VARIABLES) {
                throw ApiError.validation("InputPathsMap has more than " + MAX_VARIABLES + " variables.");
            }
            map.properties().forEach(e -> {
                if (!VARIABLE.matcher(e.getKey()).matches()) {
                    throw ApiError.validation("InputPathsMap variable '" + e.getKey() + "' is not valid: letters, digits, _ and - only.");
                }
                paths.put(e.getKey(), path(e.getValue().asText(), "InputPathsMap path of " + e.getKey()));
            });
            return new Template(Map.copyOf(paths), template);
        }

        @Override
        public String render(Context context) {
            StringBuilder out = new StringBuilder(template.length() * 2);
            boolean inString = false;
            int i = 0;
            while (i < template.length()) {
                char c = template.charAt(i);
                if (c == '<') {
                    int close = template.indexOf('>', i + 1);
                    if (close > 0) {
                        String name = template.substring(i + 1, close);
                        Optional<Optional<JsonNode>> value = variable(name, context);
                        if (value.isPresent()) {
                            out.append(substitute(value.get(), inString));
                            i = close + 1;
                            continue;
                        }
                    }
                } else if (c == '\\' && inString && i + 1 < template.length()) {
                    out.append(c).append(template.charAt(i + 1));
                    i += 2;
                    continue;
                } else if (c == '"') {
                    inString = !inString;
                }
                out.append(c);
                i++;
            }
            return out.toString();
        }

        /** Empty when {@code name} is no variable (the text stays); else its value, maybe absent. */
        private Optional<Optional<JsonNode>> variable(String name, Context context) {
            JsonPath path = paths.get(name);
            if (path != null) {
                return Optional.of(path.read(context.event()));
            }
            JsonNode predefined = switch (name) {
                case "aws.events.event.json" -> context.event();
                case "aws.events.event" -> context.event().deepCopy().without("detail");
                case "aws.events.rule-name" -> TextNode.valueOf(context.rule().name());
                case "aws.events.rule-arn" -> TextNode.valueOf(context.rule().arn());
                case "aws.events.event.ingestion-time" ->
                        TextNode.valueOf(context.ingestionTime().truncatedTo(ChronoUnit.MILLIS).toString());
                default -> null;
            };
            return predefined == null ? Optional.empty() : Optional.of(Optional.of(predefined));
        }

        private static String substitute(Optional<JsonNode> value, boolean inString) {
            if (value.isEmpty()) {
                return inString ? "" : "null";
            }
            JsonNode v = value.get();
            if (inString && v.isTextual()) {
                return v.asText();
            }
            return Json.write(v);
        }
    }
}
