package io.freshet.state;

/**
 * Whether an event was new, or a redelivery of one already recorded: whether that one was
 * announced, and whether it was recorded by {@link EventLog#recordAnnouncing} (its recorder
 * announces it, and again on each redelivery).
 */
public record Recorded(boolean isNew, boolean announced, boolean announcing) {

    public Recorded(boolean isNew, boolean announced) {
        this(isNew, announced, false);
    }

    /** Whether the event still has to be announced: it is new, or its first recorder died before announcing it. */
    public boolean leftToAnnounce() {
        return isNew || !announced;
    }

    /**
     * For a recorder by {@link EventLog#recordAnnouncing}: whether to announce. Yes when new, when
     * recorded the same way before (a redelivery: the first handling may have stopped between
     * recording and announcing, and nothing marks that it did not), or when recorded another way
     * and left unannounced.
     */
    public boolean toAnnounceOnDelivery() {
        return leftToAnnounce() || announcing;
    }
}
