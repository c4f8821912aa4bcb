package io.freshet.core.settings;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One environment variable a function reads, declared once: its name, what it expects (the type,
 * as a phrase for error messages and docs/deploy.md), how its text becomes a value, whether it
 * must be set, its default, and what it is for. Read from the environment map a handler is built
 * with (template.yaml's variables in Lambda; the local stack passes its own); a blank value counts
 * as unset, as SAM passes declared but empty variables.
 *
 * @param defaultText  the default as docs/deploy.md shows it; empty when there is none
 * @param defaultValue the default, from the rest of the environment (e.g. {@code $LAMBDA_TASK_ROOT/pipelines})
 */
public record Setting<T>(String name, String expects, Function<String, T> parser, Presence presence,
                         String defaultText, Function<Map<String, String>, T> defaultValue, String description) {

    /** Whether a function can do without the variable. */
    public enum Presence {
        /** It fails to start without it. */
        REQUIRED,
        /** A default applies when it is unset. */
        DEFAULTED,
        /** Unset means "not used" (no endpoint override, no log file...). */
        OPTIONAL
    }

    public Setting {
        Objects.requireNonNull(name);
        Objects.requireNonNull(expects);
        Objects.requireNonNull(parser);
        Objects.requireNonNull(presence);
        Objects.requireNonNull(defaultText);
        Objects.requireNonNull(defaultValue);
        Objects.requireNonNull(description);
    }

    /** A required setting whose text is its value. */
    public static Setting<String> text(String name, String description) {
        return of(name, "a non-empty text", s -> s, description);
    }

    /** A required setting holding a URI (an endpoint, a URL). */
    public static Setting<URI> uri(String name, String description) {
        return of(name, "a URI such as http://localhost:4566", s -> URI.create(s.trim()), description);
    }

    /** A required setting holding {@code true} or {@code false} (any case). */
    public static Setting<Boolean> flag(String name, String description) {
        return of(name, "true or false", Setting::parseFlag, description);
    }

    /** A required setting holding a whole number from {@code min} to {@code max}, of {@code unit}. */
    public static Setting<Integer> wholeNumber(String name, String unit, int min, int max, String description) {
        String expects = "a whole number of " + unit + " from " + min + " to " + max;
        return of(name, expects, s -> {
            int v = Integer.parseInt(s.trim());
            if (v < min || v > max) {
                throw new IllegalArgumentException(expects);
            }
            return v;
        }, description);
    }

    /** A required setting of any type; {@code parser} fails (with any exception) on text it does not accept. */
    public static <T> Setting<T> of(String name, String expects, Function<String, T> parser, String description) {
        return new Setting<>(name, expects, parser, Presence.REQUIRED, "", env -> null, description);
    }

    /** The same setting with a fixed default. */
    public Setting<T> withDefault(T value) {
        return new Setting<>(name, expects, parser, Presence.DEFAULTED, String.valueOf(value), env -> value, description);
    }

    /** The same setting with a default taken from the rest of the environment, shown as {@code shown}. */
    public Setting<T> withDefault(String shown, Function<Map<String, String>, T> value) {
        return new Setting<>(name, expects, parser, Presence.DEFAULTED, shown, value, description);
    }

    /** The same setting, which may be left unset. */
    public Setting<T> optional() {
        return new Setting<>(name, expects, parser, Presence.OPTIONAL, "", env -> null, description);
    }

    /** The same setting, which must be set (a function that needs what others may do without). */
    public Setting<T> required() {
        return new Setting<>(name, expects, parser, Presence.REQUIRED, "", env -> null, description);
    }

    /**
     * The value of a required or defaulted setting.
     *
     * @throws SettingException when it is required and unset, or set to text it does not accept
     */
    public T read(Map<String, String> env) {
        if (presence == Presence.OPTIONAL) {
            throw new IllegalStateException(name + " may be unset: read it with find()");
        }
        return find(env).orElseGet(() -> {
            if (presence == Presence.REQUIRED) {
                throw SettingException.missing(this);
            }
            return defaultValue.apply(env);
        });
    }

    /**
     * The value when the variable is set (not blank); a default does not apply.
     *
     * @throws SettingException when it is set to text it does not accept
     */
    public Optional<T> find(Map<String, String> env) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(raw));
        } catch (RuntimeException e) {
            throw SettingException.invalid(this, raw, e);
        }
    }

    private static boolean parseFlag(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a flag");
        };
    }
}
