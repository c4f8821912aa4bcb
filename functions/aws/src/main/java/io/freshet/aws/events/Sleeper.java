package io.freshet.aws.events;

import java.time.Duration;

/** Waits between attempts; tests pass one that records the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD_SLEEP = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
