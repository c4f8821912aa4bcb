package io.freshet.core.cron;

import java.util.List;

/** The six fields of an AWS cron expression, in order, with the values each one accepts. */
enum CronField {
    MINUTE("minute", 0, 59, List.of(), false),
    HOUR("hour", 0, 23, List.of(), false),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of(), false),
    // Month and day-of-week are cyclic, so their ranges may wrap around: NOV-FEB, FRI-MON.
    MONTH("month", 1, 12,
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), true),
    // AWS numbers days from Sunday: 1 = SUN ... 7 = SAT (java.time starts at Monday).
    DAY_OF_WEEK("day-of-week", 1, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), true),
    YEAR("year", AwsCron.MIN_YEAR, AwsCron.MAX_YEAR, List.of(), false);

    /** How messages name the field: {@code hour field '25': ...}. */
    final String label;
    final int min;
    final int max;
    /** Upper-case names for min, min + 1, ...; empty if the field only takes numbers. */
    final List<String> names;
    final boolean wraps;

    CronField(String label, int min, int max, List<String> names, boolean wraps) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.names = names;
        this.wraps = wraps;
    }

    /** How many distinct values the field has. */
    int size() {
        return max - min + 1;
    }

    boolean allowsQuestionMark() {
        return this == DAY_OF_MONTH || this == DAY_OF_WEEK;
    }

    /** What a single value must look like, for messages: {@code a number between 1 and 12 or a name JAN-DEC}. */
    String expectedValue() {
        String numbers = "a number between " + min + " and " + max;
        return names.isEmpty() ? numbers : numbers + " or a name " + names.getFirst() + "-" + names.getLast();
    }
}
