package io.freshet.core.runs;

/** QUEUED -> RUNNING -> SUCCEEDED | FAILED | SKIPPED. */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, SKIPPED;

    public boolean isActive() {
        return this == QUEUED || this == RUNNING;
    }
}
