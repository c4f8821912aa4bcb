package io.freshet.local.page;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.Callable;

import io.freshet.aws.JsonLog;
import io.freshet.core.load.LoadResult;
import io.freshet.core.load.ProjectLoader;
import io.freshet.local.operate.OperateException;
import io.freshet.local.operate.StackTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet page}: the lineage page of a deployed or local stack, written to one HTML file. */
@Command(name = "page", description = "Write the lineage page: the asset graph coloured by freshness; click an asset for its events, "
        + "runs and checks. One self-contained HTML file that needs no network.")
public final class PageCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, defaultValue = "freshet.html", description = "the file to write (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--pipelines", defaultValue = "pipelines", description = "the pipelines directory (default: ${DEFAULT-VALUE})")
    String pipelines;

    @Option(names = "--zone", defaultValue = "Europe/Prague", description = "the time zone of the times shown (default: ${DEFAULT-VALUE})")
    ZoneId zone;

    @CommandLine.Mixin
    StackTarget target;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    public PageCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LoadResult loaded = ProjectLoader.load(Path.of(pipelines), pipelines, ProjectLoader.DEFAULT_PARAMETERS);
        loaded.errors().forEach(err::println);
        if (!loaded.ok()) {
            return 1;
        }
        try {
            StackTarget.Connection stack = target.connect(clock, new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of()));
            PageData data = PageData.collect(loaded.orThrow(), stack.store(), stack.schedulerStore(),
                    PageData.Context.of(stack.description(), zone, clock, false));
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, LineagePage.render(data), StandardCharsets.UTF_8);
            long overdue = data.assets().stream().filter(a -> a.state().equals(PageData.OVERDUE)).count();
            spec.commandLine().getOut().printf("wrote %s: %d assets (%d overdue) of %s; open it in a browser, no network needed%n",
                    output, data.assets().size(), overdue, stack.description());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (OperateException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("could not write " + output + ": " + e.getMessage());
            return 2;
        }
    }
}
