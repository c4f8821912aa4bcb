package io.freshet.engine.snapshot;

import java.util.List;

/**
 * The part of a table one connection reads: heap pages {@code [fromPage, toPage)} by ctid, the
 * first range open below and the last open above, so that together the ranges cover every tuple
 * whatever the table's size when they were planned; or, for a partitioned table, parts of its leaf
 * partitions (a leaf whole, or a run of its pages). {@link #WHOLE} is the table in one read.
 *
 * @param fromPage the first page, or -1 for no lower bound
 * @param toPage   the page after the last, or -1 for no upper bound
 * @param leaves   the parts of leaf partitions read instead of the table, or none
 */
record TableRange(long fromPage, long toPage, List<LeafPart> leaves) {

    /**
     * A leaf partition, or a run of its pages.
     *
     * @param leaf  its quoted, qualified name
     * @param pages which of its pages: {@link #WHOLE} or a page range
     */
    record LeafPart(String leaf, TableRange pages) {
        LeafPart {
            if (!pages.leaves().isEmpty()) {
                throw new IllegalArgumentException("a leaf's pages are a page range");
            }
        }

        static LeafPart whole(String leaf) {
            return new LeafPart(leaf, WHOLE);
        }
    }

    static final TableRange WHOLE = new TableRange(-1, -1);

    TableRange {
        if (fromPage < -1 || toPage < -1 || (fromPage >= 0 && toPage >= 0 && toPage <= fromPage)) {
            throw new IllegalArgumentException("not a page range: [" + fromPage + ", " + toPage + ")");
        }
        leaves = List.copyOf(leaves);
        if (!leaves.isEmpty() && (fromPage >= 0 || toPage >= 0)) {
            throw new IllegalArgumentException("leaf partitions are read whole, not by pages");
        }
    }

    TableRange(long fromPage, long toPage) {
        this(fromPage, toPage, List.of());
    }

    /** Parts of leaf partitions of a partitioned table. */
    static TableRange ofLeaves(List<LeafPart> leaves) {
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException("a range of leaf partitions names at least one");
        }
        return new TableRange(-1, -1, leaves);
    }

    /**
     * The range as a condition on {@code ctid} ({@code ctid >= '(p,0)'::tid AND ctid < '(q,0)'::tid},
     * which PostgreSQL 14+ reads with a TID range scan: only those pages), empty for {@link #WHOLE}.
     */
    String condition() {
        StringBuilder b = new StringBuilder();
        if (fromPage >= 0) {
            b.append("ctid >= '(").append(fromPage).append(",0)'::tid");
        }
        if (toPage >= 0) {
            b.append(b.isEmpty() ? "" : " AND ").append("ctid < '(").append(toPage).append(",0)'::tid");
        }
        return b.toString();
    }
}
