package io.freshet.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The AWS JSON 1.1 protocol on {@code com.sun.net.httpserver}: every call is a POST whose
 * {@code X-Amz-Target} header names the operation ({@code AWSEvents.PutEvents}) and whose body is a
 * JSON object; the answer is a JSON object with HTTP 200, or HTTP 400 with
 * {@code {"__type", "message"}} (500 and {@code InternalException} for a bug of this server).
 * Nothing here knows EventBridge: it only dispatches to the operations it is given.
 */
final class AwsJsonProtocol implements HttpHandler {

    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    /** One operation: the request body in, the response body out, or an {@link ApiError}. */
    @FunctionalInterface
    interface Operation {
        JsonNode handle(JsonNode request);
    }

    private static final Logger LOG = LoggerFactory.getLogger(AwsJsonProtocol.class);

    private final String targetPrefix;
    private final Map<String, Operation> operations;

    /** {@code targetPrefix} is the service's part of the target header, e.g. {@code "AWSEvents."}. */
    AwsJsonProtocol(String targetPrefix, Map<String, Operation> operations) {
        this.targetPrefix = targetPrefix;
        this.operations = Map.copyOf(operations);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            int status = 200;
            JsonNode response;
            try {
                response = dispatch(exchange, requestBody);
            } catch (ApiError e) {
                status = 400;
                response = error(exchange, e.type(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("local EventBridge failed on {}", exchange.getRequestHeaders().getFirst("X-Amz-Target"), e);
                status = 500;
                response = error(exchange, "InternalException", "local EventBridge failed: " + e);
            }
            byte[] bytes = Json.write(response).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private JsonNode dispatch(HttpExchange exchange, byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new ApiError("UnknownOperationException", "the AWS JSON protocol takes POST requests only");
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target == null || !target.startsWith(targetPrefix)) {
            throw new ApiError("UnknownOperationException", "missing or foreign X-Amz-Target: " + target);
        }
        String name = target.substring(targetPrefix.length());
        Operation operation = operations.get(name);
        if (operation == null) {
            throw new ApiError("UnknownOperationException", "operation " + name + " is not supported by the local EventBridge");
        }
        JsonNode request = Json.parseOrNull(new String(body, StandardCharsets.UTF_8));
        if (body.length == 0) {
            request = Json.object();
        }
        if (request == null || !request.isObject()) {
            throw new ApiError("SerializationException", "the request body is not a JSON object");
        }
        return operation.handle(request);
    }

    private static JsonNode error(HttpExchange exchange, String type, String message) {
        exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
        return Json.object().put("__type", type).put("message", message);
    }
}
