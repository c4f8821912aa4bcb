package io.freshet.core.events;

import java.util.Locale;
import java.util.Optional;

/**
 * What an S3 source event says about its object, read from the event's metadata: the keys
 * s3-events writes and {@link PartitionContent} folds. Kept in one place so the writer and the
 * reader cannot drift apart.
 */
public final class S3Change {

    /** S3's sequencer of the write or deletion: orders the changes of one key (never across keys). */
    public static final String SEQUENCER = "sequencer";
    /** The object version the event is about (absent on an unversioned bucket). */
    public static final String VERSION_ID = "versionId";
    /** Set on a removal: the URI of the object removed; such an event names no objects. */
    public static final String REMOVED = "removed";
    /** How it was removed: {@link #DELETE_MARKER}, {@link #PERMANENT} or {@link #EMPTIED}. */
    public static final String REMOVAL = "removal";
    /** Set on a completion marker's event ({@code complete_when}): the marker's URI; it names no objects. */
    public static final String COMPLETES = "completes";

    /** A delete marker was created: the key has no current version (the versions stay readable). */
    public static final String DELETE_MARKER = "delete-marker";
    /** A version was deleted for good (the only one, on an unversioned bucket, when no version id is given). */
    public static final String PERMANENT = "permanent";
    /** The key was overwritten by an empty object: it holds no data any more. */
    public static final String EMPTIED = "emptied";

    private S3Change() {
    }

    /**
     * A sequencer as a string that sorts in S3's order: S3 says to compare sequencers of one key
     * after right-padding the shorter with zeros, as hexadecimal text. Upper-cased, padded to 32.
     */
    public static String sortableSequencer(String sequencer) {
        String s = sequencer == null ? "" : sequencer.toUpperCase(Locale.ROOT);
        return s.length() >= 32 ? s : s + "0".repeat(32 - s.length());
    }

    public static String sequencerOf(AssetEvent e) {
        return sortableSequencer(e.metadata().getOrDefault(SEQUENCER, ""));
    }

    public static Optional<String> versionOf(AssetEvent e) {
        return Optional.ofNullable(e.metadata().get(VERSION_ID));
    }

    public static boolean isRemoval(AssetEvent e) {
        return e.metadata().containsKey(REMOVED);
    }

    public static boolean isCompletion(AssetEvent e) {
        return e.metadata().containsKey(COMPLETES);
    }

    /** The object an S3 event is about: the one it names, or the one it removes or marks complete. */
    public static Optional<String> objectOf(AssetEvent e) {
        if (isRemoval(e)) {
            return Optional.of(e.metadata().get(REMOVED));
        }
        if (isCompletion(e)) {
            return Optional.of(e.metadata().get(COMPLETES));
        }
        return e.objects().size() == 1 ? Optional.of(e.objects().get(0)) : Optional.empty();
    }
}
