package io.freshet.state.protocol;

import io.freshet.core.error.TransientException;

/**
 * Named points in a run where tests kill the attempt, as a crash or a Lambda timeout would, to
 * show that nothing partial is ever published. In production nothing happens at them.
 */
@FunctionalInterface
public interface FaultPoints {

    FaultPoints NONE = point -> { };

    void reached(String point);

    /** Thrown by a test at a fault point: the attempt stops dead, with no cleanup of the run's state. */
    final class Killed extends TransientException {
        public Killed(String point) {
            super("killed at " + point);
        }
    }
}
