package io.freshet.bench;

import java.util.List;

import io.freshet.cli.CommandExtension;

/** Adds {@code bench} and its benchmarks to {@code freshet} (listed in META-INF/services). */
public final class BenchCommands implements CommandExtension {

    @Override
    public List<Class<?>> commands() {
        return List.of(Bench.class);
    }
}
