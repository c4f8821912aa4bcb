package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.freshet.core.yaml.Diagnostic;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Pipelines as people break them: lines deleted, duplicated, swapped, re-indented, characters
 * replaced by YAML punctuation. Whatever the damage, loading never throws, and every error points
 * at a line and column that exist in the file it names.
 */
class LoaderRobustnessTest {

    private static final Path EXAMPLES = Path.of("../../pipelines");
    private static final String PUNCTUATION = ":{}[]-&|*#'\"\t ,?!%@`>$.";

    @Property(tries = 150)
    void mutatedPipelinesNeverCrashTheLoaderAndErrorsPointInsideTheirFile(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int mutations) throws IOException {
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("freshet-mutated");
        try {
            copy(EXAMPLES, dir);
            List<Path> yaml = yamlFiles(dir);
            Path victim = yaml.get(random.nextInt(yaml.size()));
            List<String> lines = new ArrayList<>(Files.readAllLines(victim, StandardCharsets.UTF_8));
            for (int m = 0; m < mutations && !lines.isEmpty(); m++) {
                mutate(lines, random);
            }
            Files.writeString(victim, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

            LoadResult result = ProjectLoader.load(dir, "pipelines", ProjectLoader.DEFAULT_PARAMETERS);

            assertEquals(result.ok(), result.project().isPresent());
            for (Diagnostic d : result.errors()) {
                Path file = dir.resolve(d.pos().file().substring("pipelines/".length()));
                List<String> content = Files.readAllLines(file, StandardCharsets.UTF_8);
                assertTrue(d.pos().line() >= 1 && d.pos().line() <= content.size() + 1, "line of " + d);
                int width = d.pos().line() > content.size() ? 0 : content.get(d.pos().line() - 1).length();
                assertTrue(d.pos().column() >= 1 && d.pos().column() <= width + 1, "column of " + d);
                assertTrue(!d.message().isBlank() && !d.message().contains("Exception"), "a message for people: " + d);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void mutate(List<String> lines, Random r) {
        int i = r.nextInt(lines.size());
        switch (r.nextInt(6)) {
            case 0 -> lines.remove(i);
            case 1 -> lines.add(i, lines.get(i));
            case 2 -> {
                int j = r.nextInt(lines.size());
                String t = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, t);
            }
            case 3 -> lines.set(i, "  " + lines.get(i));
            case 4 -> lines.set(i, lines.get(i).stripLeading());
            default -> {
                String line = lines.get(i);
                if (!line.isEmpty()) {
                    int at = r.nextInt(line.length());
                    lines.set(i, line.substring(0, at) + PUNCTUATION.charAt(r.nextInt(PUNCTUATION.length())) + line.substring(at + 1));
                }
            }
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
