package io.freshet.aws.pg;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.error.ConfigurationException;
import io.freshet.core.settings.Setting;

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
 * Shared by every function that talks to a PostgreSQL source (the runner's snapshots, the
 * scheduler's observations); each builds the Secrets Manager client it passes in only when a
 * connection needs the secret.
 */
public final class PgCredentials {

    /** The secret's ARN, a setting of each function that reads PostgreSQL. */
    public static final Setting<String> SECRET_ARN = Setting.text("FRESHET_PG_SECRET_ARN",
            "The Secrets Manager secret with the PostgreSQL connections snapshots read and observations query.").optional();

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
        String arn = secretArn().orElseThrow(() -> new NoCredentialsException("no credentials for PostgreSQL connection '" + connection
                + "': set FRESHET_PG_SECRET_ARN (deployed) or " + prefix + "_URL, _USER, _PASSWORD (local)"));
        JsonNode secret = parse(arn, secretById.apply(arn));
        JsonNode c = secret.has(connection) ? secret.get(connection) : secret;
        if (!c.isObject()) {
            throw new SecretFormatException(arn, "its entry for connection '" + connection + "' is not a JSON object");
        }
        if (!c.has("host") || !c.has("username")) {
            throw new SecretFormatException(arn, "it has no entry for connection '" + connection + "'");
        }
        String host = text(arn, connection, c, "host");
        String user = text(arn, connection, c, "username");
        String password = c.has("password") ? text(arn, connection, c, "password") : "";
        String dbname = c.has("dbname") ? text(arn, connection, c, "dbname") : "postgres";
        String url = "jdbc:postgresql://" + host + ":" + port(arn, connection, c) + "/" + dbname;
        return new Connection(url, user, password);
    }

    /** A snapshot needs a connection the deployment gives no credentials for. */
    public static final class NoCredentialsException extends ConfigurationException {
        NoCredentialsException(String message) {
            super(message);
        }
    }

    /**
     * A secret that cannot be read as connections. Says which secret and the shape expected, never
     * anything of its content: the message becomes a run's failure reason, which is stored, logged,
     * announced and sent to OpenLineage, and a parser's message quotes the text it choked on (the
     * password, as often as not).
     */
    public static final class SecretFormatException extends ConfigurationException {
        SecretFormatException(String secretArn, String problem) {
            super("the PostgreSQL secret " + secretArn + " cannot be used: " + problem + ". Expected a JSON object mapping each connection"
                    + " name to {\"host\", \"port\", \"dbname\", \"username\", \"password\"}, or one such object (an RDS secret)"
                    + " for every connection; text fields as strings, port a number");
        }
    }

    private static JsonNode parse(String arn, String secretString) {
        if (secretString == null || secretString.isBlank()) {
            throw new SecretFormatException(arn, "its value is empty");
        }
        JsonNode secret;
        try {
            secret = EventJson.MAPPER.readTree(secretString);
        } catch (JsonProcessingException e) {
            // Neither the parser's message nor the exception as a cause: both quote the secret's text.
            throw new SecretFormatException(arn, "its value is not JSON (parse error at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (secret == null || !secret.isObject()) {
            throw new SecretFormatException(arn, "its value is JSON but not an object");
        }
        return secret;
    }

    private static String text(String arn, String connection, JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        if (!v.isTextual()) {
            throw new SecretFormatException(arn, "field '" + field + "' of connection '" + connection + "' is not a string");
        }
        return v.asText();
    }

    private static int port(String arn, String connection, JsonNode entry) {
        JsonNode v = entry.get("port");
        if (v == null || v.isNull()) {
            return 5432;
        }
        String digits = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.asText().trim() : "";
        if (digits.matches("[0-9]{1,5}") && Integer.parseInt(digits) >= 1 && Integer.parseInt(digits) <= 65535) {
            return Integer.parseInt(digits);
        }
        throw new SecretFormatException(arn, "field 'port' of connection '" + connection + "' is not a port number (1-65535)");
    }

    public Optional<String> secretArn() {
        return SECRET_ARN.find(env);
    }
}
