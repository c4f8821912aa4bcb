package io.freshet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every command of {@code freshet} owes its user, checked on every command in the tree
 * (read from picocli's model, so a new command is covered the day it is added): {@code --help},
 * {@code --version}, no zone of the example's as a default, and the exit codes. The tree is the
 * one the class path gives: here the operator CLI's; local and bench run these tests again
 * (subclasses, from this module's test jar) on the tree their commands extend.
 */
public class CommandLineConventionsTest {

    /** Commands the enumeration must see: the root, the operators' commands, and what a subclass's module adds. */
    protected List<String> expectedCommands() {
        return List.of("", "validate", "rules-sync", "status", "page");
    }

    /** The commands with a {@code --zone}, in the tree's order. */
    protected List<String> commandsWithZone() {
        return List.of("status", "events", "runs", "why", "tables", "page");
    }

    protected record Result(int code, String out, String err) {
    }

    protected static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FreshetCli.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err),
                Clock.fixed(Instant.parse("2026-10-24T12:00:00Z"), ZoneOffset.UTC));
        return new Result(code, out.toString(), err.toString());
    }

    /** Every command below {@code freshet}, each as the words that call it, e.g. [bench, coldstart]. */
    static List<List<String>> everyCommand(CommandLine cli) {
        List<List<String>> all = new ArrayList<>();
        collect(cli, List.of(), all);
        return all;
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> all) {
        all.add(path);
        cli.getSubcommands().forEach((name, sub) -> {
            List<String> longer = new ArrayList<>(path);
            longer.add(name);
            collect(sub, longer, all);
        });
    }

    private static CommandLine tree() {
        return FreshetCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Clock.systemUTC());
    }

    @Test
    void everyCommandAndSubcommandAnswersHelpWithItsUsageAndExit0() {
        List<List<String>> commands = everyCommand(tree());
        // The enumeration itself must see the tree: the root, the operators' commands, and (bench) the nested benchmarks.
        for (String expected : expectedCommands()) {
            assertTrue(commands.stream().anyMatch(c -> String.join(" ", c).equals(expected)), expected + " in " + commands);
        }
        for (List<String> command : commands) {
            for (String help : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(command);
                args.add(help);
                Result r = run(args);
                String called = String.join(" ", args);
                assertEquals(0, r.code(), called + ": " + r.err());
                assertEquals("", r.err(), called);
                assertTrue(r.out().startsWith("Usage: " + String.join(" ", prepend("freshet", command))), called + ":\n" + r.out());
                assertTrue(r.out().contains("-h, --help"), called + ":\n" + r.out());
                assertTrue(r.out().contains("-V, --version"), called + ":\n" + r.out());
                assertTrue(r.out().contains("Exit codes:\n  0   done, nothing wrong\n"), called + ":\n" + r.out());
            }
        }
    }

    @Test
    void versionPrintsTheProjectsVersionFromEveryCommand() {
        Result root = run(List.of("--version"));
        assertEquals(0, root.code(), root.err());
        // The build fills in the version; an unfiltered ${project.version} or an empty one fails here.
        assertTrue(root.out().matches("freshet \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\nJava \\S+ \\(.*\\)\n"), root.out());
        Result status = run(List.of("status", "--version"));
        assertEquals(0, status.code(), status.err());
        assertEquals(root.out(), status.out());
    }

    @Test
    void timeZonesDefaultToThisMachinesNeverTheExamples() {
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            List<String> withZone = new ArrayList<>();
            CommandLine cli = tree();
            for (List<String> command : everyCommand(cli)) {
                CommandLine c = cli;
                for (String word : command) {
                    c = c.getSubcommands().get(word);
                }
                OptionSpec zone = c.getCommandSpec().findOption("--zone");
                if (zone == null) {
                    continue;
                }
                withZone.add(String.join(" ", command));
                assertEquals(ZoneId.of("Asia/Tokyo"), zone.getValue(), command + " --zone");
                assertTrue(zone.defaultValue() == null, command + ": no default of its own, the machine's");
            }
            assertEquals(commandsWithZone(), withZone);
            Result help = run(List.of("status", "--help"));
            assertTrue(help.out().replaceAll("\\s+", " ").contains("(default: this machine's, now Asia/Tokyo)"), help.out());
            assertFalse(help.out().contains("Europe/Prague"), help.out());
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @Test
    void exitCodesAre0Done1FindingsAnd2Usage() {
        assertEquals(0, run(List.of("validate", "../pipelines")).code());
        Result noSuchOption = run(List.of("status", "--frobnicate"));
        assertEquals(2, noSuchOption.code());
        assertTrue(noSuchOption.err().contains("Unknown option: '--frobnicate'"), noSuchOption.err());
        assertTrue(noSuchOption.err().contains("Usage: freshet status"), noSuchOption.err());
        Result missing = run(List.of("rules-sync", "--pipelines", "../pipelines"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("Missing required options: '--bus=<bus>', '--prefix=<prefix>', '--trigger-arn=<triggerArn>'"),
                missing.err());
        Result bare = run(List.of());
        assertEquals(2, bare.code());
        assertTrue(bare.err().startsWith("Usage: freshet"), bare.err());
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
