package io.freshet.core.events;

import java.util.Locale;

/** What caused an asset event: an S3 upload, a run, a manual record, a backfill, or an observation. */
public record Producer(Kind kind, String id) {

    public enum Kind {
        S3_UPLOAD, RUN, MANUAL, BACKFILL,
        /** The scheduler saw an observed source's value change ({@code observe:}). */
        OBSERVATION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromWire(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }
}
