package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How {@link RangePlanner} divides a table's pages, and a partitioned table's leaves, among connections: no database needed. */
class RangePlannerTest {

    @Test
    void pagesSplitIntoRunsOpenAtBothEndsThatShrinkWhenAConnectionTakesSeveral() {
        assertEquals(List.of(TableRange.WHOLE), RangePlanner.split(100, 0, 1, 1024));
        assertEquals(List.of(TableRange.WHOLE), RangePlanner.split(2047, 0, 4, 1024));
        assertEquals(List.of(new TableRange(-1, 1024), new TableRange(1024, -1)), RangePlanner.split(2048, 0, 4, 1024), "one run each: equal");
        assertEquals(List.of(new TableRange(-1, 2500), new TableRange(2500, 5000), new TableRange(5000, 7500), new TableRange(7500, -1)),
                RangePlanner.split(10_000, 0, 4, 2500), "one run each: equal");
        // four runs on one connection: 4, 3, 2 and 1 shares of ten, so the run read last is the shortest
        assertEquals(List.of(new TableRange(-1, 4000), new TableRange(4000, 7000), new TableRange(7000, 9000), new TableRange(9000, -1)),
                RangePlanner.split(10_000, 0, 1, 1024));
        assertEquals(4, RangePlanner.split(100, 4000, 1, 1024).size(), "TOAST pages count: 100 heap pages of 4,000 of documents");
        assertEquals(3, RangePlanner.split(3, 100_000, 2, 1024).size(), "never a run of less than one heap page");
        for (long pages : new long[] {3, 5, 9, 36, 100, 4097, 138_000, 1L << 31}) {
            for (int connections = 1; connections <= 8; connections++) {
                List<TableRange> runs = RangePlanner.split(pages, 1L << 40, connections, 1);
                assertEquals(Math.min(pages, 4L * connections), runs.size(), pages + " pages, " + connections + " connections");
                long from = 0;
                long last = Long.MAX_VALUE;
                for (int i = 0; i < runs.size(); i++) {
                    long to = i == runs.size() - 1 ? pages : runs.get(i).toPage();
                    assertEquals(i == 0 ? -1 : from, runs.get(i).fromPage(), "runs meet: " + runs);
                    assertTrue(to > from, "every run holds a page: " + runs);
                    if (i > 0 && runs.size() > connections) {
                        assertTrue(to - from <= last + 1, "each run no longer than the one before (to a page of rounding): " + runs);
                    }
                    last = to - from;
                    from = to;
                }
            }
        }
        assertEquals("ctid >= '(2500,0)'::tid AND ctid < '(5000,0)'::tid", new TableRange(2500, 5000).condition());
        assertEquals("ctid < '(2500,0)'::tid", new TableRange(-1, 2500).condition());
        assertEquals("", TableRange.WHOLE.condition());
    }

    @Test
    void leavesAreSharedOutLargestFirstToTheLeastLoadedAndALeafLargerThanAShareIsSplit() {
        TableRange.LeafPart aLow = new TableRange.LeafPart("a", new TableRange(-1, 4500));
        TableRange.LeafPart aHigh = new TableRange.LeafPart("a", new TableRange(4500, -1));
        assertEquals(List.of(TableRange.ofLeaves(List.of(whole("b"), whole("e"))), TableRange.ofLeaves(List.of(aLow, whole("c"))),
                        TableRange.ofLeaves(List.of(aHigh, whole("d")))),
                RangePlanner.shareOut(List.of("a", "b", "c", "d", "e"), List.of(9000L, 5000L, 4000L, 3000L, 1000L), List.of(0L, 0L, 0L, 0L, 0L), 3, 1024));
        assertEquals(List.of(TableRange.WHOLE), RangePlanner.shareOut(List.of("a", "b"), List.of(600L, 400L), List.of(0L, 0L), 3, 1024), "too few pages for two");
        assertEquals(List.of(TableRange.ofLeaves(List.of(new TableRange.LeafPart("a", new TableRange(-1, 30_000)))),
                        TableRange.ofLeaves(List.of(new TableRange.LeafPart("a", new TableRange(30_000, 60_000)))),
                        TableRange.ofLeaves(List.of(new TableRange.LeafPart("a", new TableRange(60_000, -1))))),
                RangePlanner.shareOut(List.of("a"), List.of(90_000L), List.of(0L), 3, 1024), "one leaf holding it all: split by pages as a table is");
        assertEquals(8, RangePlanner.shareOut(List.of("a", "b"), List.of(9000L, 9000L), List.of(0L, 0L), 8, 1024).size(), "two leaves, eight connections: four runs each");
        assertEquals(List.of(TableRange.ofLeaves(List.of(new TableRange.LeafPart("a", new TableRange(-1, 50)), whole("b"))),
                        TableRange.ofLeaves(List.of(new TableRange.LeafPart("a", new TableRange(50, -1))))),
                RangePlanner.shareOut(List.of("a", "b"), List.of(100L, 900L), List.of(4000L, 0L), 2, 1024),
                "a leaf of documents weighs its TOAST pages: split, where its heap alone is smaller than the other leaf");
    }

    private static TableRange.LeafPart whole(String leaf) {
        return TableRange.LeafPart.whole(leaf);
    }
}
