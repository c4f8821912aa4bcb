package io.freshet.core.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Every setting one function reads, declared in one place (its {@code XxxSettings} class): what
 * docs/deploy.md lists and what tests hold against the variables template.yaml gives the function.
 */
public record FunctionSettings(String function, List<Setting<?>> settings) {

    public FunctionSettings {
        Objects.requireNonNull(function);
        settings = List.copyOf(settings);
        Map<String, Long> counts = settings.stream().collect(Collectors.groupingBy(Setting::name, Collectors.counting()));
        counts.forEach((name, n) -> {
            if (n > 1) {
                throw new IllegalArgumentException(function + " declares " + name + " " + n + " times");
            }
        });
    }

    /**
     * The shared settings, with those of the same name replaced by the function's own (a function
     * may require what the others may leave unset), followed by the function's other settings.
     */
    public static FunctionSettings of(String function, List<Setting<?>> shared, List<Setting<?>> own) {
        Map<String, Setting<?>> byName = new LinkedHashMap<>();
        shared.forEach(s -> byName.put(s.name(), s));
        own.forEach(s -> byName.put(s.name(), s));
        return new FunctionSettings(function, new ArrayList<>(byName.values()));
    }

    public List<String> names() {
        return settings.stream().map(Setting::name).toList();
    }

    /** The settings the function cannot start without. */
    public List<String> required() {
        return settings.stream().filter(s -> s.presence() == Setting.Presence.REQUIRED).map(Setting::name).toList();
    }

    /** The settings as a Markdown table: variable, presence and default, expects, description. */
    public String markdownTable() {
        StringBuilder b = new StringBuilder("| Variable | Required / default | Expects | What for |\n|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            String presence = switch (s.presence()) {
                case REQUIRED -> "required";
                case DEFAULTED -> "default `" + s.defaultText() + "`";
                case OPTIONAL -> "optional";
            };
            b.append("| `").append(s.name()).append("` | ").append(presence).append(" | ").append(s.expects())
                    .append(" | ").append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
