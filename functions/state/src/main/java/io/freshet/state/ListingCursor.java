package io.freshet.state;

import java.time.Instant;
import java.util.Set;

/**
 * Where the listing of an observed S3 source ({@code observe: {list: true}}) stands: every object
 * whose LastModified is before {@code settledBefore} was handled, and of the newer ones, those
 * whose fingerprint (key and ETag) is in {@code recent}. Held back from the listing's own instant
 * by a settle window, because S3 dates an object when its write began, not when it became listable
 * (docs/architecture.md, "Observed S3 sources").
 *
 * @param version moved by one on each write, which is conditional on the version read
 */
public record ListingCursor(Instant settledBefore, Set<String> recent, long version) {

    public ListingCursor {
        recent = Set.copyOf(recent);
    }
}
