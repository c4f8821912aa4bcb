package io.freshet.state;

/** Whether an event was new, or a redelivery of one already recorded (and whether that one was announced). */
public record Recorded(boolean isNew, boolean announced) {

    /** Whether the event still has to be announced: it is new, or its first recorder died before announcing it. */
    public boolean leftToAnnounce() {
        return isNew || !announced;
    }
}
