package io.freshet.state;

import java.util.Optional;

/** The cursors of observed S3 sources' listings ({@code LIST#{source}} / {@code CURSOR}): one small item per source. */
public interface ListingCursors {

    Optional<ListingCursor> cursor(String source);

    /**
     * Replaces the cursor read as {@code seen} (empty: none yet) by {@code next}, whose version must
     * be one more; false when another tick moved it first.
     */
    boolean advance(String source, Optional<ListingCursor> seen, ListingCursor next);
}
