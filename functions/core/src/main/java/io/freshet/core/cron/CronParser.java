package io.freshet.core.cron;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the text of an AWS cron expression into an {@link AwsCron}, or throws a
 * {@link CronSyntaxException} that names the field, quotes the part at fault and says what was
 * expected. Offsets always refer to the string the caller gave, including any {@code cron(} and
 * leading whitespace, so callers can turn them into a column.
 */
final class CronParser {

    private static final String FIELD_LIST = "minutes hours day-of-month month day-of-week year";

    /** A piece of the input and where it starts in it. */
    private record Token(String text, int offset) {
        String upper() {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    private final String input;

    private CronParser(String input) {
        this.input = input;
    }

    static AwsCron parse(String input) {
        return new CronParser(input).parse();
    }

    private AwsCron parse() {
        Span fieldsSpan = insideCron(trimmed());
        List<Token> fields = split(fieldsSpan.start(), fieldsSpan.end());
        if (fields.size() != 6) {
            // Too many: point at the first extra field. Too few: we cannot know which one is missing,
            // so point at where the fields start.
            int offset = fields.size() > 6 ? fields.get(6).offset() : fieldsSpan.start();
            throw new CronSyntaxException("expected 6 fields (" + FIELD_LIST + "), got " + fields.size(), offset);
        }

        ValueSet minutes = valueSet(CronField.MINUTE, fields.get(0));
        ValueSet hours = valueSet(CronField.HOUR, fields.get(1));
        DayRule dayOfMonth = dayOfMonth(fields.get(2));
        ValueSet months = valueSet(CronField.MONTH, fields.get(3));
        DayRule dayOfWeek = dayOfWeek(fields.get(4));
        ValueSet years = valueSet(CronField.YEAR, fields.get(5));

        String expression = String.join(" ", fields.stream().map(Token::text).toList());
        return new AwsCron(expression, minutes, hours, theOneDayRule(dayOfMonth, dayOfWeek, fields.get(2)), months, years);
    }

    /** {@code input[start, end)}. */
    private record Span(int start, int end) {
    }

    /** The input without its leading and trailing whitespace. */
    private Span trimmed() {
        int start = 0;
        int end = input.length();
        while (start < end && Character.isWhitespace(input.charAt(start))) start++;
        while (end > start && Character.isWhitespace(input.charAt(end - 1))) end--;
        return new Span(start, end);
    }

    /** What lies between {@code cron(} and {@code )}, or the whole span when it has no {@code cron(}. */
    private Span insideCron(Span span) {
        int start = span.start();
        int end = span.end();
        if (input.regionMatches(true, start, "cron(", 0, 5)) {
            if (input.charAt(end - 1) != ')') {
                int close = input.indexOf(')', start);
                if (close >= 0) {
                    int extra = close + 1;
                    while (Character.isWhitespace(input.charAt(extra))) extra++;
                    throw new CronSyntaxException("unexpected text after cron(...)", extra);
                }
                throw new CronSyntaxException("missing ')' at the end of cron(...)", end);
            }
            return new Span(start + 5, end - 1);
        }
        if (input.regionMatches(true, start, "rate(", 0, 5)) {
            // EventBridge also has rate(...); say so rather than complain about the field count.
            throw new CronSyntaxException("expected a cron expression, not rate(...)", start);
        }
        return span;
    }

    /**
     * The day rule of the field that is not {@code ?}. AWS insists on exactly one ?: with both set it
     * would be ambiguous whether a day must match one or both, and with neither set there is no day
     * rule at all.
     */
    private static DayRule theOneDayRule(DayRule dayOfMonth, DayRule dayOfWeek, Token dayOfMonthToken) {
        if (dayOfMonth != null && dayOfWeek != null) {
            throw new CronSyntaxException(
                    "day-of-month and day-of-week cannot both be set: use ? in one of them", dayOfMonthToken.offset());
        }
        if (dayOfMonth == null && dayOfWeek == null) {
            throw new CronSyntaxException(
                    "day-of-month and day-of-week cannot both be ?: use * in one of them", dayOfMonthToken.offset());
        }
        return dayOfMonth != null ? dayOfMonth : dayOfWeek;
    }

    /**
     * Like {@link #parse(String)}, and also refuses an expression that never fires: valid field by
     * field, yet no date matches all of them (30 in February, 29 February of years that are not
     * leap years), which AWS accepts and never runs; and, when {@code notBefore} is given, one
     * whose every fire time lies before it (a year field naming only past years).
     */
    static AwsCron parseFiring(String input, Optional<Instant> notBefore) {
        AwsCron cron = parse(input);
        List<Token> fields = new CronParser(input).fieldsOf();
        Token dayOfMonth = fields.get(2);
        Token dayOfWeek = fields.get(4);
        Token month = fields.get(3);
        Token year = fields.get(5);
        if (!cron.hasAnyDate()) {
            boolean byMonthDay = !dayOfMonth.text().equals("?");
            Token dayField = byMonthDay ? dayOfMonth : dayOfWeek;
            CronField dayKind = byMonthDay ? CronField.DAY_OF_MONTH : CronField.DAY_OF_WEEK;
            if (cron.withEveryYear().hasAnyDate()) {
                throw error(CronField.YEAR, year, "the expression never fires: no day of these years matches "
                        + dayKind.label + " '" + dayField.text() + "' in month '" + month.text() + "'", year.offset());
            }
            throw error(dayKind, dayField, "the expression never fires: no month '" + month.text() + "' has such a day", dayField.offset());
        }
        if (notBefore.isPresent() && cron.next(notBefore.get(), ZoneOffset.UTC).isEmpty()) {
            String last = cron.previous(notBefore.get(), ZoneOffset.UTC).map(t -> "; its last fire time was " + t).orElse("");
            throw error(CronField.YEAR, year, "the expression never fires again: every fire time is in the past" + last, year.offset());
        }
        return cron;
    }

    /** The six field tokens of an input already known to parse. */
    private List<Token> fieldsOf() {
        Span span = insideCron(trimmed());
        return split(span.start(), span.end());
    }

    /** The whitespace-separated fields of {@code input[start, end)}. */
    private List<Token> split(int start, int end) {
        List<Token> fields = new ArrayList<>();
        int i = start;
        while (i < end) {
            if (Character.isWhitespace(input.charAt(i))) {
                i++;
                continue;
            }
            int fieldStart = i;
            while (i < end && !Character.isWhitespace(input.charAt(i))) i++;
            fields.add(new Token(input.substring(fieldStart, i), fieldStart));
        }
        return fields;
    }

    /** The comma-separated elements of a field; an empty element is an error. */
    private static List<Token> elements(CronField field, Token token) {
        List<Token> elements = new ArrayList<>();
        int from = 0;
        while (true) {
            int comma = token.text().indexOf(',', from);
            int to = comma < 0 ? token.text().length() : comma;
            if (to == from) {
                throw error(field, token, "empty value in list", token.offset() + from);
            }
            elements.add(new Token(token.text().substring(from, to), token.offset() + from));
            if (comma < 0) {
                return elements;
            }
            from = comma + 1;
        }
    }

    // ---- day-of-month ---------------------------------------------------------------------------

    /** The day-of-month rule, or null for {@code ?}. */
    private static DayRule dayOfMonth(Token token) {
        CronField field = CronField.DAY_OF_MONTH;
        if (token.text().equals("?")) {
            return null;
        }
        List<Token> elements = elements(field, token);
        for (Token element : elements) {
            String up = element.upper();
            String special = up.equals("L") ? "L" : up.equals("LW") ? "LW" : isNearestWeekday(up) ? "W" : null;
            if (special != null && elements.size() > 1) {
                throw error(field, token, special + " cannot be combined with other values", element.offset());
            }
            if (special == null && (up.contains("L") || up.contains("W"))) {
                throw error(field, element, "expected L, LW or a day followed by W such as 15W", element.offset());
            }
        }
        String up = token.upper();
        if (up.equals("L")) {
            return new DayRule.LastDayOfMonth();
        }
        if (up.equals("LW")) {
            return new DayRule.LastWeekdayOfMonth();
        }
        if (isNearestWeekday(up)) {
            return new DayRule.NearestWeekday(value(field, up.substring(0, up.length() - 1), token));
        }
        return new DayRule.DaysOfMonth(valueSet(field, token, elements));
    }

    private static boolean isNearestWeekday(String up) {
        return up.length() > 1 && up.endsWith("W") && isDigits(up.substring(0, up.length() - 1));
    }

    // ---- day-of-week ----------------------------------------------------------------------------

    /** The day-of-week rule, or null for {@code ?}. */
    private static DayRule dayOfWeek(Token token) {
        CronField field = CronField.DAY_OF_WEEK;
        if (token.text().equals("?")) {
            return null;
        }
        List<Token> elements = elements(field, token);
        for (Token element : elements) {
            String up = element.upper();
            String special = up.contains("#") ? "#" : up.endsWith("L") ? "L" : null;
            if (special != null && elements.size() > 1) {
                throw error(field, token, special + " cannot be combined with other values", element.offset());
            }
        }
        String up = token.upper();
        if (up.contains("#")) {
            return nthDayOfWeekInMonth(token);
        }
        if (up.equals("L")) {
            // Alone, L is simply the last day of the week: Saturday.
            BitSet saturday = new BitSet();
            saturday.set(7);
            return new DayRule.DaysOfWeek(new ValueSet(saturday));
        }
        if (up.endsWith("L")) {
            String day = up.substring(0, up.length() - 1);
            if (!isDay(day)) {
                throw error(field, token, "expected L or a day followed by L such as 6L", token.offset());
            }
            return new DayRule.LastDayOfWeekInMonth(value(field, day, token));
        }
        return new DayRule.DaysOfWeek(valueSet(field, token, elements));
    }

    /** {@code day#n}: the n-th such day of the month, such as 6#3 for its third Friday. */
    private static DayRule nthDayOfWeekInMonth(Token token) {
        CronField field = CronField.DAY_OF_WEEK;
        String up = token.upper();
        int hash = up.indexOf('#');
        String day = up.substring(0, hash);
        String nth = up.substring(hash + 1);
        if (!isDay(day) || !isDigits(nth)) {
            throw error(field, token, "expected a day, # and a week number such as 6#3", token.offset());
        }
        int dayOfWeek = value(field, day, token);
        int n = nth.length() <= 9 ? Integer.parseInt(nth) : Integer.MAX_VALUE;
        if (n < 1 || n > 5) {
            throw error(field, token, "week number after # must be between 1 and 5", token.offset());
        }
        return new DayRule.NthDayOfWeekInMonth(dayOfWeek, n);
    }

    /** A day of the week, by name or number. */
    private static boolean isDay(String up) {
        return isDayName(up) || isDigits(up);
    }

    private static boolean isDayName(String up) {
        return CronField.DAY_OF_WEEK.names.contains(up);
    }

    // ---- lists, ranges and steps ----------------------------------------------------------------

    private static ValueSet valueSet(CronField field, Token token) {
        return valueSet(field, token, elements(field, token));
    }

    private static ValueSet valueSet(CronField field, Token token, List<Token> elements) {
        BitSet values = new BitSet();
        for (Token element : elements) {
            addElement(field, token, element, values);
        }
        return new ValueSet(values);
    }

    /** Adds one list element: {@code *}, {@code v}, {@code a-b}, or any of those with {@code /step}. */
    private static void addElement(CronField field, Token token, Token element, BitSet values) {
        String text = element.text();
        int question = text.indexOf('?');
        if (question >= 0) {
            String problem = field.allowsQuestionMark()
                    ? "? cannot be combined with other values"
                    : "? is only allowed in day-of-month or day-of-week";
            throw error(field, token, problem, element.offset() + question);
        }

        int slash = text.indexOf('/');
        String base = slash < 0 ? text : text.substring(0, slash);
        int step = 1;
        if (slash >= 0) {
            String stepText = text.substring(slash + 1);
            // A step as large as the field would only ever produce its start: surely a mistake
            // (0/90 in minutes does not mean every 90 minutes), so it is rejected.
            step = isDigits(stepText) && stepText.length() <= 9 ? Integer.parseInt(stepText) : -1;
            if (step < 1 || step > field.size() - 1) {
                throw error(field, element, "step must be a number between 1 and " + (field.size() - 1), element.offset());
            }
        }

        int from;
        int to;
        int dash = base.indexOf('-');
        if (base.equals("*")) {
            from = field.min;
            to = field.max;
        } else if (dash < 0) {
            from = value(field, base, element);
            to = slash >= 0 ? field.max : from; // 5/15 means from 5 to the end of the field
        } else {
            from = value(field, base.substring(0, dash), element);
            to = value(field, base.substring(dash + 1), element);
            if (from > to && !field.wraps) {
                throw error(field, element, "range start must not be after its end", element.offset());
            }
        }

        // Walk from 'from' to 'to' in steps, wrapping past max back to min for FRI-MON or NOV-FEB.
        int length = Math.floorMod(to - from, field.size());
        for (int i = 0; i <= length; i += step) {
            values.set(field.min + (from - field.min + i) % field.size());
        }
    }

    /** A single number or name, checked against the field's range. */
    private static int value(CronField field, String text, Token element) {
        String up = text.toUpperCase(Locale.ROOT);
        if (isDigits(up)) {
            // More than 9 digits would overflow an int; it is out of range either way.
            long n = up.length() <= 9 ? Long.parseLong(up) : Long.MAX_VALUE;
            if (n < field.min || n > field.max) {
                throw error(field, element, "values must be between " + field.min + " and " + field.max, element.offset());
            }
            return (int) n;
        }
        int index = field.names.indexOf(up);
        if (index >= 0) {
            return field.min + index;
        }
        throw error(field, element, "expected " + field.expectedValue(), element.offset());
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code hour field '25': values must be between 0 and 23}. */
    private static CronSyntaxException error(CronField field, Token quoted, String problem, int offset) {
        return new CronSyntaxException(field.label + " field '" + quoted.text() + "': " + problem, offset);
    }
}
