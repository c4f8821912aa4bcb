package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.freshet.core.yaml.Diagnostic;

/**
 * How the pipelines directory is named and what is in it: every way of naming the same folder
 * ({@code .}, {@code ./}, {@code ../pipelines}, a symlink) loads the same project with the same SQL
 * files; every {@code .yaml}/{@code .yml} file is read whatever the case of its extension; symlinked
 * folders are followed, a symlink loop or a dangling symlink is reported; a file too large is
 * refused before it is read.
 */
class PipelineDirectoryTest {

    private static final Path EVERY_FEATURE = Path.of("src/test/resources/fixtures/valid/every_feature");

    private Path tmp;

    @BeforeEach
    void makeTemp() throws IOException {
        tmp = Files.createTempDirectory("freshet-dir");
    }

    @AfterEach
    void removeTemp() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "./", "../pipelines", "../pipelines/", "./../pipelines/."})
    void loadsFromInsideThePipelinesDirectoryHoweverItIsNamed(String name) throws Exception {
        Path pipelines = copyEveryFeature(tmp.resolve("pipelines"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LoadFromWorkingDirectory.class.getName(), name)
                .directory(pipelines.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("ok 4\n", output, "freshet validate " + name + " inside pipelines/");
    }

    @Test
    void aRelativePathUpAndASymlinkToTheDirectoryLoadTheSameProject() throws IOException {
        Path pipelines = copyEveryFeature(tmp.resolve("pipelines"));
        Path relative = Path.of("").toAbsolutePath().relativize(pipelines.toAbsolutePath());
        assertTrue(relative.toString().startsWith(".."));
        assertEquals(List.of(), errors(ProjectLoader.load(relative, relative.toString(), ProjectLoader.DEFAULT_PARAMETERS)));

        Path link = Files.createSymbolicLink(tmp.resolve("linked"), pipelines);
        LoadResult viaLink = ProjectLoader.load(link, "linked", ProjectLoader.DEFAULT_PARAMETERS);
        assertEquals(List.of(), errors(viaLink));
        assertEquals(4, viaLink.orThrow().pipelines().size());
    }

    @Test
    void everyCaseOfTheExtensionIsLoadedAndSymlinkedFoldersAreFollowed() throws IOException {
        Path pipelines = copyEveryFeature(tmp.resolve("pipelines"));
        Path elsewhere = Files.createDirectories(tmp.resolve("shared"));
        Files.move(pipelines.resolve("manual.yaml"), elsewhere.resolve("manual.YAML"));
        Files.createSymbolicLink(pipelines.resolve("shared"), elsewhere);
        Files.move(pipelines.resolve("rollup.yaml"), pipelines.resolve("rollup.Yml"));
        LoadResult result = ProjectLoader.load(pipelines, "pipelines", ProjectLoader.DEFAULT_PARAMETERS);
        assertEquals(List.of(), errors(result));
        assertEquals(4, result.orThrow().pipelines().size());
        assertTrue(result.orThrow().pipelines().stream().anyMatch(p -> p.file().equals("pipelines/shared/manual.YAML")));
    }

    @Test
    void aSymlinkLoopAndADanglingSymlinkAreReportedNotSkippedOrFollowedForever() throws IOException {
        Path pipelines = copyEveryFeature(tmp.resolve("pipelines"));
        Files.createDirectories(pipelines.resolve("team"));
        Files.createSymbolicLink(pipelines.resolve("team/back"), pipelines);
        Files.createSymbolicLink(pipelines.resolve("gone.yaml"), tmp.resolve("nowhere.yaml"));
        List<String> errors = errors(ProjectLoader.load(pipelines, "pipelines", ProjectLoader.DEFAULT_PARAMETERS));
        assertEquals(List.of(
                "pipelines/gone.yaml:1:1: this symlink's target does not exist, so the pipeline file cannot be read",
                "pipelines/team/back:1:1: this symlinked folder leads back into a folder that contains it; its files are read once, through their real folder"),
                errors);
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedBeforeItIsParsed() throws IOException {
        Path pipelines = copyEveryFeature(tmp.resolve("pipelines"));
        StringBuilder big = new StringBuilder("sources:\n");
        for (int i = 0; big.length() <= ProjectLoader.MAX_FILE_BYTES * 5; i++) {
            big.append("  landing.t").append(i).append(":\n    s3: s3://${LakeBucket}/landing/t").append(i).append("/date={date}/\n");
        }
        Files.writeString(pipelines.resolve("huge.yaml"), big, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        List<String> errors = errors(ProjectLoader.load(pipelines, "pipelines", ProjectLoader.DEFAULT_PARAMETERS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("pipelines/huge.yaml:1:1: the file is " + Files.size(pipelines.resolve("huge.yaml"))
                + " bytes, more than the 4194304 (4 MiB) a pipeline file may hold"), errors.get(0));
        assertTrue(ms < 5_000, "refused in " + ms + " ms");
    }

    @Test
    void aSqlFileLargerThanTheLimitIsRefusedBeforeItIsRead() throws IOException {
        Path pipelines = copyEveryFeature(tmp.resolve("pipelines"));
        Path sql = pipelines.resolve("sql/trips.sql");
        String original = Files.readString(sql);
        Files.writeString(sql, original + ("-- padding" + " ".repeat(100) + "\n").repeat(50_000));
        List<String> errors = errors(ProjectLoader.load(pipelines, "pipelines", ProjectLoader.DEFAULT_PARAMETERS));
        String message = ": SQL file 'sql/trips.sql' is " + Files.size(sql) + " bytes, more than the 4194304 (4 MiB) a file may hold";
        assertEquals(List.of("pipelines/trips.yaml:29:13" + message, "pipelines/trips.yaml:42:13" + message), errors); // a step and a check use it
    }

    private static List<String> errors(LoadResult result) {
        return result.errors().stream().map(Diagnostic::toString).toList();
    }

    private static Path copyEveryFeature(Path to) throws IOException {
        try (Stream<Path> files = Files.walk(EVERY_FEATURE)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(EVERY_FEATURE.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }
}
