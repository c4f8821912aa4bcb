package io.freshet.rulessync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;

/** The metro example, and modified copies of it in temporary directories. */
final class TestPipelines {

    /** The repository's pipelines directory, seen from the module directory Maven runs tests in. */
    static final Path METRO = Path.of("../../pipelines").toAbsolutePath().normalize();

    /** The metro example's pipelines, sorted: one consumer rule each. */
    static final List<String> METRO_PIPELINES = List.of("core_network", "core_trips", "daily_ridership", "metro_snapshot",
            "station_directory");

    private TestPipelines() {
    }

    /** The metro's rule names under {@code prefix}, sorted, with {@code extra} pipelines among them. */
    static List<String> metroRules(String prefix, String... extra) {
        return Stream.concat(METRO_PIPELINES.stream(), Stream.of(extra)).sorted().map(p -> prefix + "-" + p).toList();
    }

    static Project metro() {
        return ProjectLoader.load(METRO).orThrow();
    }

    static Project load(Path dir) {
        return ProjectLoader.load(dir).orThrow();
    }

    /** A copy of the metro pipelines under {@code target}, to modify. */
    static Path copyMetro(Path target) {
        try (Stream<Path> files = Files.walk(METRO)) {
            for (Path from : files.toList()) {
                Path to = target.resolve(METRO.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces {@code from} with {@code to} in one file of {@code dir}; fails when {@code from} is not there. */
    static void edit(Path dir, String file, String from, String to) {
        try {
            Path path = dir.resolve(file);
            String text = Files.readString(path);
            if (!text.contains(from)) {
                throw new IllegalArgumentException(file + " does not contain " + from);
            }
            Files.writeString(path, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path dir, String file, String text) {
        try {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
