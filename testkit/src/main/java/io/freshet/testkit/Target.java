package io.freshet.testkit;

import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A rule's target as PutTargets gave it: where deliveries go ({@code arn}), what they carry
 * ({@code input}), how often a failed delivery is retried and where it goes when retries run out.
 * {@code json} is the target exactly as put, which ListTargetsByRule answers with.
 */
record Target(String id, String arn, InputTransformer input, int maximumRetryAttempts,
              Optional<String> deadLetterArn, ObjectNode json) {

    /** AWS retries for 24 hours (185 times); locally a failing handler gives up quickly. */
    static final int DEFAULT_RETRY_ATTEMPTS = 2;
    static final int MAX_RETRY_ATTEMPTS = 185;

    private static final Pattern ID = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");

    /** Reads and checks one entry of a PutTargets request. */
    static Target parse(JsonNode json) {
        if (!json.isObject()) {
            throw ApiError.validation("a target is a JSON object");
        }
        String id = Json.text(json, "Id");
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiError.validation("Target Id '" + id + "' is not valid: 1 to 64 of letters, digits, '.', '-', '_'.");
        }
        String arn = Json.text(json, "Arn");
        if (arn == null || arn.isEmpty()) {
            throw ApiError.validation("Target " + id + " has no Arn.");
        }
        int retries = DEFAULT_RETRY_ATTEMPTS;
        JsonNode maximum = json.path("RetryPolicy").get("MaximumRetryAttempts");
        if (maximum != null && !maximum.isNull()) {
            retries = maximum.asInt(-1);
            if (!maximum.canConvertToInt() || retries < 0 || retries > MAX_RETRY_ATTEMPTS) {
                throw ApiError.validation("RetryPolicy.MaximumRetryAttempts of target " + id + " must be between 0 and " + MAX_RETRY_ATTEMPTS + ".");
            }
        }
        Optional<String> deadLetter = Optional.ofNullable(Json.text(json.path("DeadLetterConfig"), "Arn"));
        return new Target(id, arn, InputTransformer.of(json), retries, deadLetter, ((ObjectNode) json).deepCopy());
    }
}
