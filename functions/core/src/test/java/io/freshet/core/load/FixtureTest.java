package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.freshet.core.yaml.Diagnostic;

/**
 * Golden tests: each folder under fixtures/invalid is a pipelines directory with the exact
 * messages it must produce in {@code expected.txt}; each folder under fixtures/valid must load
 * with no error. Run with {@code -Dfreshet.updateFixtures=true} to rewrite expected.txt after an
 * intended change of wording, then review the diff.
 */
class FixtureTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    static Stream<String> invalidCases() throws IOException {
        return cases("invalid");
    }

    static Stream<String> validCases() throws IOException {
        return cases("valid");
    }

    private static Stream<String> cases(String kind) throws IOException {
        try (Stream<Path> dirs = Files.list(FIXTURES.resolve(kind))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCases")
    void invalidFixtureReportsExactlyTheExpectedErrors(String name) throws IOException {
        Path dir = FIXTURES.resolve("invalid").resolve(name);
        LoadResult result = load(dir);
        String actual = result.errors().stream().map(Diagnostic::toString).collect(Collectors.joining("\n")) + "\n";
        Path expectedFile = dir.resolve("expected.txt");
        if (Boolean.getBoolean("freshet.updateFixtures")) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
        }
        assertFalse(result.ok(), name + " should not load");
        assertTrue(result.project().isEmpty());
        assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), actual, name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validCases")
    void validFixtureLoadsClean(String name) {
        LoadResult result = ProjectLoader.load(FIXTURES.resolve("valid").resolve(name), "pipelines", ProjectLoader.DEFAULT_PARAMETERS);
        assertEquals(List.of(), result.errors().stream().map(Diagnostic::toString).toList());
        assertTrue(result.project().isPresent());
    }

    /**
     * A fixture is its pipelines directory, or a project: a {@code pipelines/} folder whose
     * locations may use the String parameters of the template.yaml beside it.
     */
    static LoadResult load(Path fixture) {
        Path pipelines = pipelines(fixture);
        return ProjectLoader.load(pipelines, "pipelines", StackTemplate.locationParametersOf(pipelines));
    }

    static Path pipelines(Path fixture) {
        return Files.isDirectory(fixture.resolve("pipelines")) ? fixture.resolve("pipelines") : fixture;
    }

    @Test
    void theCorpusHasAtLeast25InvalidCases() throws IOException {
        assertTrue(invalidCases().count() >= 25);
    }

    @Test
    void everyErrorCarriesALineAndColumnInsideItsFile() throws IOException {
        for (String name : invalidCases().toList()) {
            Path dir = FIXTURES.resolve("invalid").resolve(name);
            for (Diagnostic d : load(dir).errors()) {
                Path file = pipelines(dir).resolve(d.pos().file().substring("pipelines/".length()));
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                assertTrue(d.pos().line() >= 1 && d.pos().line() <= lines.size() + 1, name + ": line out of range in " + d);
                int width = d.pos().line() > lines.size() ? 0 : lines.get(d.pos().line() - 1).length();
                assertTrue(d.pos().column() >= 1 && d.pos().column() <= width + 1, name + ": column out of range in " + d);
            }
        }
    }
}
