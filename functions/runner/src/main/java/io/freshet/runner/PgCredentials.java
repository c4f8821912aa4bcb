package io.freshet.runner;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;

/**
 * Resolves a connection name from YAML to credentials, which never appear in YAML or in logs.
 *
 * <ul>
 *   <li>Deployed: {@code FRESHET_PG_SECRET_ARN} names a Secrets Manager secret holding
 *       {@code {"<connection>": {"host","port","dbname","username","password"}, ...}}, or a single
 *       RDS-style secret {@code {"host","port","dbname","username","password"}} used for every
 *       connection.</li>
 *   <li>Local: {@code FRESHET_PG_<CONNECTION>_URL}, {@code _USER} and {@code _PASSWORD}
 *       (connection upper-cased, {@code -} as {@code _}).</li>
 * </ul>
 */
public final class PgCredentials {

    /** A resolved connection; {@link #toString()} never shows the password. */
    public record Connection(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "Connection[" + jdbcUrl + " as " + user + "]";
        }
    }

    private final Map<String, String> env;
    private final Function<String, String> secretById;

    /** @param secretById fetches a secret's string by ARN (Secrets Manager's GetSecretValue in AWS) */
    public PgCredentials(Map<String, String> env, Function<String, String> secretById) {
        this.env = env;
        this.secretById = secretById;
    }

    public Connection resolve(String connection) {
        String prefix = "FRESHET_PG_" + connection.toUpperCase(Locale.ROOT).replace('-', '_');
        if (env.containsKey(prefix + "_URL")) {
            return new Connection(env.get(prefix + "_URL"), env.getOrDefault(prefix + "_USER", "postgres"), env.getOrDefault(prefix + "_PASSWORD", ""));
        }
        String arn = env.get("FRESHET_PG_SECRET_ARN");
        if (arn == null || arn.isBlank()) {
            throw new IllegalStateException("no credentials for PostgreSQL connection '" + connection + "': set FRESHET_PG_SECRET_ARN (deployed) or "
                    + prefix + "_URL, _USER, _PASSWORD (local)");
        }
        JsonNode secret = EventJson.read(secretById.apply(arn));
        JsonNode c = secret.has(connection) ? secret.get(connection) : secret;
        if (!c.has("host") || !c.has("username")) {
            throw new IllegalStateException("the secret " + arn + " has no entry for connection '" + connection + "' (expected host, port, dbname, username, password)");
        }
        String url = "jdbc:postgresql://" + c.get("host").asText() + ":" + c.path("port").asInt(5432) + "/" + c.path("dbname").asText("postgres");
        return new Connection(url, c.get("username").asText(), c.path("password").asText(""));
    }

    public Optional<String> secretArn() {
        return Optional.ofNullable(env.get("FRESHET_PG_SECRET_ARN")).filter(s -> !s.isBlank());
    }
}
