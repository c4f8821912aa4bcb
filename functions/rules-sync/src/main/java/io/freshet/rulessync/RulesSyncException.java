package io.freshet.rulessync;

import io.freshet.state.aws.AwsFailures;
import io.freshet.core.error.AdapterException;

/**
 * An EventBridge call failed; the message says which rule and what for. Transient when
 * EventBridge did not answer or throttled, else permanent (the deploy fails either way, and
 * CloudFormation hears the reason).
 */
public final class RulesSyncException extends AdapterException {

    public RulesSyncException(String message) {
        super(Kind.PERMANENT, message, null);
    }

    public RulesSyncException(String message, Throwable cause) {
        super(AwsFailures.kindOf(cause), message, cause);
    }
}
