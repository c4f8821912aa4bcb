package io.freshet.core.yaml;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict conversions from YAML nodes to values; each failure says what was expected and what was found. */
public final class Values {

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

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

    public static Optional<Long> integer(YNode node, String what, long min, long max, Diagnostics out) {
        if (node instanceof YNode.Scalar s && s.plain() && s.value().matches("-?\\d{1,18}")) {
            long v = Long.parseLong(s.value());
            if (v >= min && v <= max) {
                return Optional.of(v);
            }
            out.error(node.pos(), what + " must be between " + min + " and " + max + ", got " + v);
            return Optional.empty();
        }
        out.error(node.pos(), what + " must be a whole number, got " + node.describe());
        return Optional.empty();
    }

    /** Durations are written as 30s, 5m, 1h, 1h30m or 2d: short, and the same everywhere in a pipeline. */
    public static Optional<Duration> duration(YNode node, String what, Diagnostics out) {
        if (node instanceof YNode.Scalar s && !s.isNull()) {
            Optional<Duration> d = parseDuration(s.value());
            if (d.isPresent()) {
                return d;
            }
            if (s.value().matches("(0+[dhms])+")) {
                out.error(node.pos(), what + " must be longer than zero, got " + node.describe());
                return Optional.empty();
            }
        }
        out.error(node.pos(), what + " must be a duration such as 30s, 5m, 1h30m or 2d, got " + node.describe());
        return Optional.empty();
    }

    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        Duration d = Duration.ZERO;
        if (m.group(1) != null) d = d.plusDays(Long.parseLong(m.group(1)));
        if (m.group(2) != null) d = d.plusHours(Long.parseLong(m.group(2)));
        if (m.group(3) != null) d = d.plusMinutes(Long.parseLong(m.group(3)));
        if (m.group(4) != null) d = d.plusSeconds(Long.parseLong(m.group(4)));
        return d.isZero() ? Optional.empty() : Optional.of(d);
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
