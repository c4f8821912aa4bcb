package io.freshet.core.yaml;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict conversions from YAML nodes to values; each failure says what was expected and what was found. */
public final class Values {

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
    /** YAML 1.2 core schema integers, in decimal. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]+");
    /** What YAML would read as some other number: fractions, exponents, .inf, hexadecimal. */
    private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|0x[0-9a-fA-F]+|0o[0-7]+");

    private Values() {
    }

    public static Optional<String> string(YNode node, String what, Diagnostics out) {
        if (node instanceof YNode.Scalar s && !s.isNull()) {
            return Optional.of(s.value());
        }
        out.error(node.pos(), what + " must be a string, got " + node.describe());
        return Optional.empty();
    }

    public static Optional<Boolean> bool(YNode node, String what, Diagnostics out) {
        if (node instanceof YNode.Scalar s && s.plain()) {
            if (s.value().equals("true")) return Optional.of(true);
            if (s.value().equals("false")) return Optional.of(false);
        }
        out.error(node.pos(), what + " must be true or false, got " + node.describe());
        return Optional.empty();
    }

    /**
     * A whole number between {@code min} and {@code max}, written the YAML 1.2 way ({@code 12},
     * {@code +12}, {@code -0}). Any number of digits is read exactly, so a value past the range of a
     * {@code long} is reported as out of range rather than escaping as an exception.
     */
    public static Optional<Long> integer(YNode node, String what, long min, long max, Diagnostics out) {
        if (node instanceof YNode.Scalar s && s.plain() && WHOLE_NUMBER.matcher(s.value()).matches()) {
            BigInteger v = bounded(s.value());
            if (v.compareTo(BigInteger.valueOf(min)) >= 0 && v.compareTo(BigInteger.valueOf(max)) <= 0) {
                return Optional.of(v.longValueExact());
            }
            out.error(node.pos(), what + " must be between " + min + " and " + max + ", got " + abbreviated(s.value()));
            return Optional.empty();
        }
        String hint = node instanceof YNode.Scalar s && s.plain() && NUMBER_LIKE.matcher(s.value()).matches()
                ? " (not a fraction or an exponent)" : "";
        out.error(node.pos(), what + " must be a whole number" + hint + ", got " + describe(node));
        return Optional.empty();
    }

    /**
     * The exact value of a decimal integer text; past 30 significant digits (far beyond any bound
     * the language sets) a stand-in of that size, so that a megabyte of digits costs nothing.
     */
    private static BigInteger bounded(String digits) {
        String t = digits.startsWith("+") ? digits.substring(1) : digits;
        boolean negative = t.startsWith("-");
        String magnitude = (negative ? t.substring(1) : t).replaceFirst("^0+(?=.)", "");
        BigInteger v = magnitude.length() > 30 ? BigInteger.TEN.pow(30) : new BigInteger(magnitude);
        return negative ? v.negate() : v;
    }

    /** Long values are cut in messages: a message quotes what was written, not a megabyte of it. */
    static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 20) + "..." + text.substring(text.length() - 10) + " (" + text.length() + " characters)";
    }

    private static String describe(YNode node) {
        return node instanceof YNode.Scalar s && !s.isNull() ? "'" + abbreviated(s.value()) + "'" : node.describe();
    }

    /**
     * Durations are written as 30s, 5m, 1h, 1h30m or 2d: short, and the same everywhere in a
     * pipeline. At most {@link #MAX_DURATION}: any longer is surely a mistake, and a bound keeps
     * every later computation with it (deadlines, backoffs doubled, instants plus a lag) far from
     * overflow.
     */
    public static Optional<Duration> duration(YNode node, String what, Diagnostics out) {
        if (node instanceof YNode.Scalar s && !s.isNull()) {
            DurationText d = readDuration(s.value());
            switch (d) {
                case DurationText.Valid v -> {
                    return Optional.of(v.duration());
                }
                case DurationText.Zero z -> {
                    out.error(node.pos(), what + " must be longer than zero, got " + describe(node));
                    return Optional.empty();
                }
                case DurationText.TooLong t -> {
                    out.error(node.pos(), what + " must be at most " + formatDuration(MAX_DURATION) + " (ten years), got " + describe(node));
                    return Optional.empty();
                }
                case DurationText.Malformed m -> {
                }
            }
        }
        boolean bareNumber = node instanceof YNode.Scalar s && s.value().matches("[-+]?[0-9]+");
        out.error(node.pos(), what + " must be a duration such as 30s, 5m, 1h30m or 2d, got " + describe(node)
                + (bareNumber ? " (a number needs a unit: s, m, h or d)" : ""));
        return Optional.empty();
    }

    /** The longest duration the language accepts anywhere: ten years. */
    public static final Duration MAX_DURATION = Duration.ofDays(3650);

    /** What a duration text turned out to be. */
    public sealed interface DurationText {
        record Valid(Duration duration) implements DurationText {
        }

        record Zero() implements DurationText {
        }

        record TooLong() implements DurationText {
        }

        record Malformed() implements DurationText {
        }
    }

    /** Reads a duration text exactly (any number of digits), never throwing. */
    public static DurationText readDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return new DurationText.Malformed();
        }
        long[] unitSeconds = {86_400, 3_600, 60, 1};
        BigInteger seconds = BigInteger.ZERO;
        for (int g = 1; g <= 4; g++) {
            if (m.group(g) != null) {
                seconds = seconds.add(bounded(m.group(g)).multiply(BigInteger.valueOf(unitSeconds[g - 1])));
            }
        }
        if (seconds.signum() == 0) {
            return new DurationText.Zero();
        }
        if (seconds.compareTo(BigInteger.valueOf(MAX_DURATION.getSeconds())) > 0) {
            return new DurationText.TooLong();
        }
        return new DurationText.Valid(Duration.ofSeconds(seconds.longValueExact()));
    }

    /** The duration, or empty when the text is not one (malformed, zero or longer than {@link #MAX_DURATION}). */
    public static Optional<Duration> parseDuration(String text) {
        return readDuration(text) instanceof DurationText.Valid v ? Optional.of(v.duration()) : Optional.empty();
    }

    /** Formats a duration the way users write it, for plans and messages. */
    public static String formatDuration(Duration d) {
        StringBuilder b = new StringBuilder();
        long s = d.getSeconds();
        if (s / 86400 > 0) b.append(s / 86400).append('d');
        if (s % 86400 / 3600 > 0) b.append(s % 86400 / 3600).append('h');
        if (s % 3600 / 60 > 0) b.append(s % 3600 / 60).append('m');
        if (s % 60 > 0) b.append(s % 60).append('s');
        return b.isEmpty() ? "0s" : b.toString();
    }

    public static List<YNode> list(YNode node, String what, Diagnostics out) {
        if (node instanceof YNode.Sequence seq) {
            return seq.items();
        }
        out.error(node.pos(), what + " must be a list, got " + node.describe());
        return List.of();
    }
}
