package io.freshet.state.aws;

import java.util.Optional;

import io.freshet.core.error.Failures;
import io.freshet.core.error.FreshetException.Kind;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The AWS SDK's side of translating failures where they enter Freshet: no answer at all
 * (connection refused or reset, a timeout) and a service's throttling, 5xx or retryable answer
 * are transient; any other answer of a service (a 4xx: validation, not found, access denied) is
 * permanent. Everything else goes by {@link Failures}. It lives in the lowest module that
 * holds the SDK (the state store's DynamoDB adapter), so every adapter above it shares it.
 */
public final class AwsFailures {

    private AwsFailures() {
    }

    /** The kind of a failure whose cause chain may hold AWS SDK exceptions. */
    public static Kind kindOf(Throwable failure) {
        return Failures.kindOf(failure, AwsFailures::decisive);
    }

    private static Optional<Kind> decisive(Throwable t) {
        return switch (t) {
            case SdkClientException e -> Optional.of(Kind.TRANSIENT);
            case AwsServiceException e -> Optional.of(e.isThrottlingException() || e.statusCode() >= 500 || e.retryable()
                    ? Kind.TRANSIENT : Kind.PERMANENT);
            default -> Optional.empty();
        };
    }
}
