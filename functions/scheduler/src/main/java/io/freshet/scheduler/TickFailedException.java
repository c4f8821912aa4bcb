package io.freshet.scheduler;

import java.util.List;

import io.freshet.core.error.TransientException;

/** A tick that did what it could but some step failed; the invocation fails so that it shows as an error. */
public final class TickFailedException extends TransientException {

    public TickFailedException(List<String> failures) {
        super(failures.size() + " tick step(s) failed (the next tick tries again): " + String.join("; ", failures));
    }
}
