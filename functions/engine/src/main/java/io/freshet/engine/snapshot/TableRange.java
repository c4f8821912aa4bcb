package io.freshet.engine.snapshot;

/**
 * The part of a table one connection reads: heap pages {@code [fromPage, toPage)} by ctid, the
 * first range open below and the last open above, so that together the ranges cover every tuple
 * whatever the table's size when they were planned. {@link #WHOLE} is the table in one read.
 *
 * @param fromPage the first page, or -1 for no lower bound
 * @param toPage   the page after the last, or -1 for no upper bound
 */
record TableRange(long fromPage, long toPage) {

    static final TableRange WHOLE = new TableRange(-1, -1);

    TableRange {
        if (fromPage < -1 || toPage < -1 || (fromPage >= 0 && toPage >= 0 && toPage <= fromPage)) {
            throw new IllegalArgumentException("not a page range: [" + fromPage + ", " + toPage + ")");
        }
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
