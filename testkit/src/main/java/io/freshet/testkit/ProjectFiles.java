package io.freshet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test's own copy of a pipelines project, which it may edit to play a deploy of new code while
 * the original fixture stays untouched.
 */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    /** Copies the directory tree {@code from} into {@code to}. */
    public static void copy(Path from, Path to) {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces text in {@code pipelines/<file>} of a copied project; fails when the text is not there. */
    public static void edit(Path projectDir, String file, String from, String to) {
        try {
            Path f = projectDir.resolve("pipelines").resolve(file);
            String text = Files.readString(f);
            if (!text.contains(from)) {
                throw new IllegalArgumentException(file + " does not contain " + from);
            }
            Files.writeString(f, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
