package io.freshet.cli;

import java.time.ZoneId;

import picocli.CommandLine;

/**
 * Converters for the command line's numeric options that refuse values that mean nothing: a
 * count of zero runs, a concurrency of none, a negative or too large port. Picocli applies them
 * while parsing (to defaults too), so every mode of a command, {@code --dry-run} included, refuses
 * the value with one clear message and exit 2 before anything happens.
 */
public final class OptionValues {

    private OptionValues() {
    }

    /**
     * {@code --zone}, the time zone of the times a command shows ({@code status}, {@code events},
     * {@code runs}, {@code why}, {@code page}, {@code up}'s page): this machine's unless given. The
     * product has no zone of its own; the metro example's Europe/Prague stays in the example.
     */
    public static final class Zone {
        // No defaultValue: picocli then defaults to (and shows) the field's value, read when the
        // command is built, so a changed system zone is seen by the next command.
        @CommandLine.Option(names = "--zone", description = "the time zone of the times shown (default: this machine's, now ${DEFAULT-VALUE})")
        private ZoneId zone = ZoneId.systemDefault();

        public ZoneId get() {
            return zone;
        }
    }

    /** A count of at least one: {@code --concurrency}, {@code --limit}, {@code --runs}... */
    public static final class AtLeastOne implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 1) {
                throw new CommandLine.TypeConversionException("must be at least 1, got " + value);
            }
            return n;
        }
    }

    /** A count where 0 has a meaning of its own (documented by the option): never negative. */
    public static final class NotNegative implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 0) {
                throw new CommandLine.TypeConversionException("must be 0 or more, got " + value);
            }
            return n;
        }
    }

    /** A large count of at least one, such as a number of rows. */
    public static final class AtLeastOneLong implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n;
            try {
                n = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new CommandLine.TypeConversionException("must be at least 1, got " + value);
            }
            return n;
        }
    }

    /** A TCP port: 1 to 65535, or 0 for any free one. */
    public static final class Port implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 0 || n > 65_535) {
                throw new CommandLine.TypeConversionException("a port is 1 to 65535 (or 0 for any free one), got " + value);
            }
            return n;
        }
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number"
                    + (value.trim().matches("[+-]?\\d+") ? " that fits (at most " + Integer.MAX_VALUE + ")" : ""));
        }
    }
}
