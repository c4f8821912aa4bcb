package io.freshet.engine.sql;

/** A step or check could not run: the message names the pipeline part and the cause, for the run's failure reason. */
public final class EngineException extends RuntimeException {

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
