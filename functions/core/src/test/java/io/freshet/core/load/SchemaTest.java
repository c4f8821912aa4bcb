package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The JSON Schema that editors use (schema/freshet.schema.json) must accept every valid file
 * Freshet accepts, and reject the structural mistakes the loader rejects, so the two never drift.
 */
class SchemaTest {

    static final Path SCHEMA = Path.of("../../schema/freshet.schema.json");
    static final Path EXAMPLES = Path.of("../../pipelines");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    static List<Path> yamlUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static Set<ValidationMessage> validate(Path file) throws IOException {
        JsonNode node = YAML.readTree(file.toFile());
        return schema.validate(node);
    }

    @Test
    void acceptsTheExamplePipelinesAndEveryValidFixture() throws IOException {
        List<Path> files = new ArrayList<>(yamlUnder(EXAMPLES));
        files.addAll(yamlUnder(FixtureTest.FIXTURES.resolve("valid")));
        assertTrue(files.size() >= 10);
        for (Path f : files) {
            assertEquals(Set.of(), validate(f), f.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown_key_typo", "unknown_key_no_suggestion", "wrong_types", "trigger_shape",
            "unknown_check_and_step", "source_shape", "freshness_and_durations", "sql_step_query_and_file",
            "not_a_pipeline_file", "missing_required", "invalid_cron_field_count", "invalid_timezone_format",
            "window_mapping_misused_shape", "postgres_source_read_shape", "for_each_misused", "postgres_max_connections"})
    void rejectsStructuralMistakesTheLoaderRejects(String fixture) throws IOException {
        Path dir = FixtureTest.FIXTURES.resolve("invalid").resolve(fixture);
        if (!Files.isDirectory(dir)) {
            dir = Path.of("src/test/resources/schema-invalid").resolve(fixture);
        }
        assertFalse(ProjectLoader.load(dir).ok(), "the loader rejects " + fixture);
        boolean someFileRejected = false;
        for (Path f : yamlUnder(dir)) {
            someFileRejected |= !validate(f).isEmpty();
        }
        assertTrue(someFileRejected, "the schema rejects " + fixture);
    }
}
