package io.freshet.state;

import io.freshet.state.aws.AwsFailures;
import io.freshet.core.error.AdapterException;

/**
 * A store operation failed for a reason other than losing a race it is built to lose. Transient
 * when DynamoDB did not answer or throttled; permanent when it refused the request or the state
 * it holds is not what it must be (no cause).
 */
public final class StoreException extends AdapterException {

    public StoreException(String message, Throwable cause) {
        super(AwsFailures.kindOf(cause), message, cause);
    }
}
