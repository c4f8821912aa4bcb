package io.freshet.cli.page;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import io.freshet.core.load.Project;
import io.freshet.cli.OptionValues;
import io.freshet.cli.operate.StackCommand;
import io.freshet.cli.operate.StackTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet page}: the lineage page of a deployed or embedded stack, written to one HTML file. */
@Command(name = "page", description = "Write the lineage page: the asset graph coloured by freshness; click an asset for its events, "
        + "runs and checks. One self-contained HTML file that needs no network.")
public final class PageCommand extends StackCommand {

    @Option(names = {"-o", "--output"}, defaultValue = "freshet.html", description = "the file to write (default: ${DEFAULT-VALUE})")
    Path output;

    @CommandLine.Mixin
    OptionValues.Zone zone;

    public PageCommand(Clock clock) {
        super(clock);
    }

    @Override
    protected int run(Project project, PrintWriter out, PrintWriter err) {
        StackTarget.Connection stack = connect();
        PageData data = PageData.collect(project, stack.store(), stack.schedulerStore(), PageData.Context.of(stack.description(), zone.get(), clock, false));
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, LineagePage.render(data), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("could not write " + output + ": " + e.getMessage());
            return 2;
        }
        long overdue = data.assets().stream().filter(a -> a.state().equals(PageData.OVERDUE)).count();
        out.printf("wrote %s: %d assets (%d overdue) of %s; open it in a browser, no network needed%n",
                output, data.assets().size(), overdue, stack.description());
        out.flush();
        return 0;
    }
}
