package io.freshet.testkit;

/**
 * An error the local EventBridge answers with, in AWS's JSON shape: HTTP 400 and
 * {@code {"__type": type, "message": message}}, which the SDK turns into the modelled exception
 * of the same name (ResourceNotFoundException, ValidationException, ...).
 */
final class ApiError extends RuntimeException {

    private final String type;

    ApiError(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    String type() {
        return type;
    }

    static ApiError validation(String message) {
        return new ApiError("ValidationException", message);
    }

    static ApiError notFound(String message) {
        return new ApiError("ResourceNotFoundException", message);
    }
}
