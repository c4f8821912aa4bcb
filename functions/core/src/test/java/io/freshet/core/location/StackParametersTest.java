package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The stack's parameters as functions read them from FRESHET_PARAMETERS, and how they resolve locations. */
class StackParametersTest {

    @Test
    void readsTheJsonTemplateYamlBuildsAndWritesItBack() {
        StackParameters p = StackParameters.parseJson(" { \"LakeBucket\" : \"acme-lake\", \"Env\":\"dev\",\n \"Note\":\"a \\\"quoted\\\" \\u00e9\\\\ \" } ");
        assertEquals(Map.of("LakeBucket", "acme-lake", "Env", "dev", "Note", "a \"quoted\" \u00e9\\ "), p.values());
        assertEquals("acme-lake", p.lakeBucket());
        assertEquals(p, StackParameters.parseJson(p.toJson()));
        assertEquals("{\"Env\":\"dev\",\"LakeBucket\":\"acme-lake\",\"Note\":\"a \\\"quoted\\\" \u00e9\\\\ \"}", p.toJson());
        assertEquals(StackParameters.of(Map.of()), StackParameters.parseJson("{}"));
    }

    @Test
    void malformedTextSaysWhere() {
        assertTrue(error("{\"LakeBucket\":\"lake\",}").startsWith("expected '\"' at character 22"), error("{\"LakeBucket\":\"lake\",}"));
        assertTrue(error("{\"Env\": 3}").startsWith("expected '\"' at character 9"), error("{\"Env\": 3}"));
        assertTrue(error("{\"Env\":\"dev\"} x").startsWith("text after the object"), error("{\"Env\":\"dev\"} x"));
        assertTrue(error("{\"Env\":\"dev\",\"Env\":\"prod\"}").startsWith("'Env' given twice"), error("{\"Env\":\"dev\",\"Env\":\"prod\"}"));
        assertTrue(error("{\"Env\":\"dev").startsWith("a string that never ends"), error("{\"Env\":\"dev"));
        assertTrue(error("LakeBucket=lake").contains("a JSON object of strings such as {\"LakeBucket\":\"acme-lake\",\"Env\":\"dev\"} was expected"));
    }

    @Test
    void resolvesEveryParameterOfALocation() {
        StackParameters dev = StackParameters.lakeBucket("acme-lake").with("Env", "dev");
        LocationPattern source = LocationPattern.parse("s3://${LakeBucket}/${Env}/landing/taps/date={date}/*.csv");
        assertEquals("s3://acme-lake/dev/landing/taps/date={date}/*.csv", dev.resolve(source).text());
        assertEquals("s3://acme-lake/prod/landing/taps/date={date}/*.csv", dev.with("Env", "prod").resolve(source).text());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> StackParameters.lakeBucket("acme-lake").resolve(source));
        assertEquals("no value for parameter ${Env} in location " + source.text(), missing.getMessage());
        assertThrows(IllegalStateException.class, () -> StackParameters.of(Map.of("Env", "dev")).lakeBucket());
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> StackParameters.parseJson(json)).getMessage();
    }
}
