package io.freshet.cli;

import java.util.List;

/**
 * Commands that another module adds to the {@code freshet} root command. The operator CLI knows
 * nothing of the embedded stack ({@code local}: up, put, demo) or the benchmarks ({@code bench}),
 * which depend on it and stay out of the jar a user installs; each names its commands in a
 * provider listed in {@code META-INF/services/io.freshet.cli.CommandExtension}, and
 * {@link FreshetCli} adds whatever providers the class path holds (ServiceLoader).
 */
public interface CommandExtension {

    /**
     * The {@code @Command} classes to add, in the order the usage lists them. Each is built like
     * the CLI's own commands: with a public constructor taking the {@code Clock}, if it has one.
     */
    List<Class<?>> commands();
}
