package io.freshet.local;

import java.util.List;

import io.freshet.cli.CommandLineConventionsTest;

/** The CLI's conventions, on the tree with the embedded stack's commands (up, put, demo) added. */
class EmbeddedCommandLineConventionsTest extends CommandLineConventionsTest {

    @Override
    protected List<String> expectedCommands() {
        return List.of("", "validate", "rules-sync", "status", "page", "up", "put", "demo");
    }

    @Override
    protected List<String> commandsWithZone() {
        return List.of("status", "events", "runs", "why", "tables", "page", "up");
    }
}
