package io.freshet.cli.operate;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

import io.freshet.core.backfill.BackfillException;
import io.freshet.core.load.LoadResult;
import io.freshet.core.load.Project;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every command that operates a stack shares: the pipelines it loads (exit 1, with every
 * error, when they are broken), the stack it talks to (a deployed one or the local one), and the
 * reasons it stops (exit 2, with the reason in words).
 */
public abstract class StackCommand implements Callable<Integer> {

    @Option(names = "--pipelines", defaultValue = "pipelines", description = "the pipelines directory (default: ${DEFAULT-VALUE})")
    String pipelines;

    @CommandLine.Mixin
    StackTarget target;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    protected final Clock clock;

    protected StackCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public final Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        LoadResult loaded = Operate.load(pipelines, err);
        if (!loaded.ok()) {
            return 1;
        }
        try {
            return run(loaded.orThrow(), spec.commandLine().getOut(), err);
        } catch (OperateException | BackfillException e) {
            err.println(e.getMessage());
            return 2;
        }
    }

    /** The command itself, with the pipelines loaded; connect to the stack with {@link #connect()} when it needs it. */
    protected abstract int run(Project project, PrintWriter out, PrintWriter err) throws Exception;

    /** The target stack's store and run path, as the functions see them. */
    protected StackTarget.Connection connect() {
        return target.connect(clock, Operate.quietLog(clock));
    }
}
