package io.freshet.core.events;

import java.util.Locale;

/** What caused an asset event: an S3 upload, a run, a manual record, or a backfill. */
public record Producer(Kind kind, String id) {

    public enum Kind {
        S3_UPLOAD, RUN, MANUAL, BACKFILL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromWire(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }
}
