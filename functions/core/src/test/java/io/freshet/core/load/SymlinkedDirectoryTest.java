package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipelines directory that is a symbolic link (a shared checkout linked into a repository)
 * loads as the directory it points to, SQL files included, and messages keep the name the user gave.
 */
class SymlinkedDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aSymlinkedPipelinesDirectoryLoadsLikeTheRealOne() throws IOException {
        Path real = tmp.resolve("shared").resolve("metro");
        copy(Path.of("../../pipelines"), real);
        Path link = Files.createSymbolicLink(tmp.resolve("pipelines"), real);

        LoadResult viaLink = ProjectLoader.load(link, "pipelines", ProjectLoader.DEFAULT_PARAMETERS);
        assertTrue(viaLink.ok(), viaLink.errors().toString());
        LoadResult direct = ProjectLoader.load(real);
        assertEquals(direct.orThrow().pipelines().size(), viaLink.orThrow().pipelines().size());
        assertEquals(direct.orThrow().codeVersion("core_trips"), viaLink.orThrow().codeVersion("core_trips"),
                "the same files, so the same code versions");

        // A relative path through the link (as the CLI's default 'pipelines' is) too.
        Path relativeLink = Path.of("").toAbsolutePath().relativize(link);
        LoadResult relative = ProjectLoader.load(relativeLink, relativeLink.toString(), ProjectLoader.DEFAULT_PARAMETERS);
        assertTrue(relative.ok(), relative.errors().toString());

        // Errors name the file under the name the user gave.
        Files.writeString(real.resolve("broken.yaml"), "pipeline: broken\nnot_a_key: 1\n");
        LoadResult broken = ProjectLoader.load(link, "pipelines", ProjectLoader.DEFAULT_PARAMETERS);
        assertTrue(broken.errors().stream().anyMatch(d -> d.toString().startsWith("pipelines/broken.yaml:")), broken.errors().toString());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
