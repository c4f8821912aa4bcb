package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.freshet.bench.SnapshotRound.Cpu;

/** The medians printed beside the best rounds: each reader's own middle round, not the middle round's ratio. */
class SnapshotRoundTest {

    private static SnapshotRound round(double copies, double duckdb, double freshet) {
        return new SnapshotRound(2, copies, 0, duckdb, duckdb, freshet, 0, 0, Cpu.NONE, Cpu.NONE, Cpu.NONE, 0, 0);
    }

    private static String medians(List<SnapshotRound> rounds) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            SnapshotRound.printMedians(out, rounds);
        }
        return text.toString().strip();
    }

    @Test
    void eachReaderIsTakenAtItsOwnMiddleRound() {
        // a lucky round of (a) and a cold first round of (d): neither is a median
        List<SnapshotRound> rounds = List.of(round(565_000, 413_000, 485_000), round(738_000, 425_000, 476_000), round(577_000, 408_000, 425_000));
        assertEquals(577_000, SnapshotRound.median(rounds, SnapshotRound::copies));
        assertEquals(413_000, SnapshotRound.median(rounds, SnapshotRound::duckdb));
        assertEquals(476_000, SnapshotRound.median(rounds, SnapshotRound::freshet));
        assertEquals("medians of 3 rounds         Freshet / parallel COPY 0.82, Freshet / DuckDB 1.15 (each reader's middle round)", medians(rounds));
    }

    @Test
    void anEvenCountTakesTheMeanOfTheTwoMiddleRounds() {
        List<SnapshotRound> rounds = List.of(round(4, 0, 1), round(1, 0, 2), round(3, 0, 4), round(2, 0, 3));
        assertEquals(2.5, SnapshotRound.median(rounds, SnapshotRound::copies));
        assertEquals("medians of 4 rounds         Freshet / parallel COPY 1.00 (each reader's middle round)", medians(rounds),
                "no peer measured: no ratio to it");
    }

    @Test
    void oneRoundHasNoMedianToPrint() {
        assertEquals("", medians(List.of(round(1, 1, 1))));
    }
}
