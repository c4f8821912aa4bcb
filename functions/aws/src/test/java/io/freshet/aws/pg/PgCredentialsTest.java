package io.freshet.aws.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Secrets Manager secrets as operators really write them, and what a bad one says: never its content. */
class PgCredentialsTest {

    static final String ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:freshet/pg-AbCdEf";
    static final String PASSWORD = "Sup3rS3cretPassw0rd";

    static PgCredentials secret(String value) {
        return new PgCredentials(Map.of("FRESHET_PG_SECRET_ARN", ARN), arn -> {
            assertEquals(ARN, arn);
            return value;
        });
    }

    @Test
    void aMapOfConnectionsAndASingleRdsSecretBothResolve() {
        PgCredentials.Connection c = secret("{\"metro\": {\"host\": \"db.internal\", \"port\": 6432, \"dbname\": \"metro\", \"username\": \"snap\", \"password\": \""
                + PASSWORD + "\"}}").resolve("metro");
        assertEquals("jdbc:postgresql://db.internal:6432/metro", c.jdbcUrl());
        assertEquals("snap", c.user());
        assertEquals(PASSWORD, c.password());
        assertFalse(c.toString().contains(PASSWORD));

        PgCredentials.Connection rds = secret("{\"engine\": \"postgres\", \"host\": \"rds\", \"port\": \"5433\", \"username\": \"u\", \"password\": \"p\"}")
                .resolve("anything");
        assertEquals("jdbc:postgresql://rds:5433/postgres", rds.jdbcUrl());
    }

    /** Malformed secrets, each holding the password where a parser would quote it. */
    @ParameterizedTest
    @ValueSource(strings = {
            PASSWORD,                                                             // the bare password pasted as the secret
            "{\"metro\": {\"host\": \"h\", \"username\": \"u\", \"password\": " + PASSWORD + "}}", // an unquoted value
            "{\"host\": \"h\", \"username\": \"u\", \"password\": \"" + PASSWORD + "\"",       // cut short
            "host=h user=u password=" + PASSWORD,                                 // a libpq connection string
            "[\"" + PASSWORD + "\"]",                                             // JSON, wrong shape
            "\"" + PASSWORD + "\"",
            "{\"metro\": \"postgres://u:" + PASSWORD + "@h/db\"}",                // an entry that is a URL
            "{\"metro\": {\"host\": \"h\", \"username\": \"u\", \"password\": [\"" + PASSWORD + "\"]}}",
            "{\"metro\": {\"host\": \"h\", \"port\": \"" + PASSWORD + "\", \"username\": \"u\", \"password\": \"x\"}}",
            "{\"other\": {\"host\": \"h\", \"username\": \"u\", \"password\": \"" + PASSWORD + "\"}}",
            "",
    })
    void aMalformedSecretSaysWhichSecretAndWhatShapeNeverItsContent(String value) {
        PgCredentials.SecretFormatException e = assertThrows(PgCredentials.SecretFormatException.class, () -> secret(value).resolve("metro"));
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(PASSWORD), trace.toString());
        assertFalse(trace.toString().contains("3cret"), "not even part of it: " + trace);
        assertNull(e.getCause(), "a parser's exception quotes the text it read");
        assertTrue(e.getMessage().contains(ARN), e.getMessage());
        assertTrue(e.getMessage().contains("\"host\", \"port\", \"dbname\", \"username\", \"password\""), e.getMessage());
    }
}
