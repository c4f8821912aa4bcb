package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.cli.FreshetCli;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/**
 * The README's "Your own stack, locally", command by command, on the stack {@code freshet up}
 * starts from this repository: the first {@code put} of the example export makes a SUCCEEDED
 * core_trips run (the dimension it joins was snapshotted by {@code up}), the forced
 * {@code materialize} runs again, and the month's backfill with its downstream completes.
 */
class ReadmeEmbeddedStackTest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FreshetCli.run(args, new PrintWriter(out), new PrintWriter(err), Clock.systemUTC());
        return new Result(code, out.toString(), err.toString());
    }

    /** The README's commands from the section, as a newcomer types them from the repository's root. */
    static List<String> readmeCommands(Path root) throws Exception {
        String readme = Files.readString(root.resolve("README.md"));
        String section = readme.substring(readme.indexOf("### Your own stack, locally"));
        section = section.substring(section.indexOf("```sh") + 5, section.indexOf("```", section.indexOf("```sh") + 5));
        return section.lines().map(l -> l.replaceFirst("\\s+#.*$", "").trim()).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void theReadmesCommandsWorkInTheirOrderOnAFreshUp() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> commands = readmeCommands(root);
        assertEquals("local/freshet up", commands.get(0), commands.toString());
        assertEquals(4, commands.size(), commands.toString());

        Path state = tmp.resolve("state");
        StringWriter upOut = new StringWriter();
        try (EmbeddedStackCommands.Up.Session up = EmbeddedStackCommands.Up.start(root, state, 0, ZoneOffset.UTC, true, Clock.systemUTC(), new PrintWriter(upOut, true), e -> { })) {
            assertTrue(upOut.toString().matches("(?s).*first run   metro_snapshot/\\S+ .*: SUCCEEDED.*"), upOut.toString());
            String stackFile = state.resolve("local-stack.json").toString();
            String pipelines = root.resolve("pipelines").toString();

            // put FILE KEY: the file is named relative to the repository's root, as typed there.
            String[] put = commands.get(1).replaceFirst("^local/freshet ", "").split("\\s+");
            assertEquals("put", put[0]);
            Result r = cli("put", root.resolve(put[1]).toString(), put[2], "--local-stack", stackFile);
            assertEquals(0, r.code(), r.out() + r.err());
            up.stack().settle(Duration.ofMinutes(2));
            // (The snapshot's raw.stations event also woke today's partition, which has no taps yet: SKIPPED, as it should.)
            String day = put[2].replaceFirst(".*date=([0-9-]+)/.*", "$1");
            List<Run> trips = up.stack().store().runs().of("core_trips").stream().filter(x -> x.partition().equals(day)).toList();
            assertEquals(1, trips.size(), trips.toString());
            assertEquals(RunState.SUCCEEDED, trips.get(0).state(), trips.get(0).toString());

            for (String command : commands.subList(2, commands.size())) {
                String[] args = command.replaceFirst("^local/freshet ", "").replace(" --local", "").split("\\s+");
                String[] all = Stream.concat(Arrays.stream(args),
                        Stream.of("--local-stack", stackFile, "--pipelines", pipelines)).toArray(String[]::new);
                if (args[0].equals("backfill")) {
                    all = Stream.concat(Arrays.stream(all), Stream.of("--poll", "1s")).toArray(String[]::new);
                }
                Result c = cli(all);
                assertEquals(0, c.code(), command + "\n" + c.out() + c.err());
                up.stack().settle(Duration.ofMinutes(2));
            }
            assertTrue(up.stack().store().runs().of("core_trips").stream().anyMatch(x -> x.forced() && x.state() == RunState.SUCCEEDED),
                    up.stack().store().runs().of("core_trips").toString());
        }
    }
}
