package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.freshet.core.model.PostgresConnections;
import io.freshet.core.model.Source;

/** A PostgreSQL source's {@code max_connections:} reaches the model; without it, the default cap. */
class PostgresMaxConnectionsTest {

    private static int maxConnections(String fixture) {
        Project project = ProjectLoader.load(Path.of("src/test/resources/fixtures/valid").resolve(fixture)).orThrow();
        return ((Source.Postgres) project.source("metro.db").orElseThrow()).maxConnections();
    }

    @Test
    void theCapIsReadFromTheSource() {
        assertEquals(2, maxConnections("every_feature"));
    }

    @Test
    void withoutItTheDefaultIsSmall() {
        assertEquals(PostgresConnections.DEFAULT_MAX, maxConnections("minimal"));
        assertEquals(4, PostgresConnections.DEFAULT_MAX);
    }
}
