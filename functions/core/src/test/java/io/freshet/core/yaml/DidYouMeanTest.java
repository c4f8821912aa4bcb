package io.freshet.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DidYouMeanTest {

    @Test
    void suggestsNearTyposAndNothingForDifferentWords() {
        List<String> keys = List.of("trigger", "timeout", "freshness", "steps", "checks");
        assertEquals(Optional.of("trigger"), DidYouMean.closest("trigers", keys));
        assertEquals(Optional.of("trigger"), DidYouMean.closest("tirgger", keys), "a swap counts once");
        assertEquals(Optional.of("steps"), DidYouMean.closest("step", keys));
        assertEquals(Optional.empty(), DidYouMean.closest("owner", keys));
        assertEquals(Optional.empty(), DidYouMean.closest("x", List.of()));
        assertEquals("; did you mean 'raw.taps'?", DidYouMean.hint("raw.tap", List.of("raw.taps", "raw.stations")));
    }

    @Test
    void durationsRoundTrip() {
        assertEquals("1h30m", Values.formatDuration(Values.parseDuration("90m").orElseThrow()));
        assertEquals(Optional.empty(), Values.parseDuration("5 minutes"));
        assertEquals(Optional.empty(), Values.parseDuration("0s"));
        assertEquals(Optional.empty(), Values.parseDuration("m"));
        assertEquals("2d3h", Values.formatDuration(Values.parseDuration("2d3h").orElseThrow()));
    }
}
