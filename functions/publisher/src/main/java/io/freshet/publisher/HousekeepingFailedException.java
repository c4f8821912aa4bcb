package io.freshet.publisher;

import java.util.Map;

import io.freshet.core.error.TransientException;

/**
 * Housekeeping failed for some tables (the others were housekept): the invocation fails, so the
 * schedule's retries and dead-letter queue see it. Transient: nothing was half done that the next
 * housekeeping cannot finish, since every deletion is decided again from the table as it is then.
 */
public final class HousekeepingFailedException extends TransientException {

    HousekeepingFailedException(Map<String, String> failures) {
        super("housekeeping failed for " + failures.size() + " table(s): " + failures);
    }
}
