package io.freshet.local;

import java.util.List;

import io.freshet.cli.CommandExtension;

/** Adds the embedded stack's commands to {@code freshet} (listed in META-INF/services). */
public final class LocalCommands implements CommandExtension {

    @Override
    public List<Class<?>> commands() {
        return List.of(EmbeddedStackCommands.DemoCommand.class, EmbeddedStackCommands.Up.class, EmbeddedStackCommands.Put.class);
    }
}
