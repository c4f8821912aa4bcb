package io.freshet.state;

/** Whether an event was new, or a redelivery of one already recorded (and whether that one was announced). */
public record Recorded(boolean isNew, boolean announced) {
}
