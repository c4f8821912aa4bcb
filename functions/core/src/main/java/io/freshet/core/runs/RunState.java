package io.freshet.core.runs;

/**
 * QUEUED -> RUNNING -> PUBLISHING -> SUCCEEDED | FAILED | SKIPPED. PUBLISHING: an attempt staged its
 * outputs (uploaded, not yet in their tables); the publisher commits them, records their events
 * and ends the run. No attempt starts on a PUBLISHING run: what it staged is what the run publishes.
 */
public enum RunState {
    QUEUED, RUNNING, PUBLISHING, SUCCEEDED, FAILED, SKIPPED;

    public boolean isActive() {
        return this == QUEUED || this == RUNNING || this == PUBLISHING;
    }
}
