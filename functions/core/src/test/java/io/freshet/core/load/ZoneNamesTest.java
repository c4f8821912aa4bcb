package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ZoneNamesTest {

    @ParameterizedTest
    @CsvSource({
            "Europe/Praha, Europe/Prague", "Europe/Prag, Europe/Prague", "Europe/Wien, Europe/Vienna",
            "Europe/Warszawa, Europe/Warsaw", "europe/prague, Europe/Prague", "Europe/Pargue, Europe/Prague",
            "America/New_Yrok, America/New_York", "Europe/Lisboa, Europe/Lisbon", "Asia/Bombay, Asia/Kolkata",
            "Europe/Munich, Europe/Berlin", "America/Los_Angles, America/Los_Angeles"})
    void suggestsTheZoneMeantNotTheNearestSpelling(String written, String meant) {
        assertEquals(Optional.of(meant), ZoneNames.suggestion(written, ZoneId.getAvailableZoneIds()));
    }

    @Test
    void acceptsEveryZoneIdTheJdkKnowsExceptTheFixedOffsetsNamedLikeRegions() {
        for (String id : ZoneId.getAvailableZoneIds()) {
            ZoneNames.Result r = ZoneNames.read(id);
            if (id.equals("UTC")) {
                continue; // read as ZoneOffset.UTC, as it always was
            }
            if (Set.of("EST", "MST", "HST").contains(id)) {
                assertInstanceOf(ZoneNames.Result.Problem.class, r, id);
            } else {
                assertEquals(ZoneId.of(id), ((ZoneNames.Result.Zone) r).zone(), id);
            }
        }
        assertEquals(ZoneId.of("CET"), ((ZoneNames.Result.Zone) ZoneNames.read("CET")).zone());
    }

    @Test
    void abbreviationsAndFixedOffsetsSayWhatTheyProbablyMean() {
        assertEquals("unknown time zone 'PST': abbreviations are ambiguous; did you mean 'America/Los_Angeles'?",
                ((ZoneNames.Result.Problem) ZoneNames.read("PST")).message());
        assertEquals("time zone 'EST' is a fixed offset (-05:00) without daylight saving; write 'America/New_York' for the region's local time, or 'UTC'",
                ((ZoneNames.Result.Problem) ZoneNames.read("EST")).message());
    }

    /** Whatever is written, the suggestion is never the text itself, and a suggestion is always a zone that loads. */
    @Property(tries = 500)
    void neverSuggestsTheInputItselfAndOnlySuggestsZonesThatLoad(@ForAll @IntRange(min = 0, max = 700) int pick,
                                                                 @ForAll @IntRange(min = 0, max = 5) int edit) {
        List<String> ids = ZoneId.getAvailableZoneIds().stream().sorted().toList();
        String id = ids.get(pick % ids.size());
        String written = switch (edit) {
            case 0 -> id;
            case 1 -> id.toLowerCase();
            case 2 -> id + "x";
            case 3 -> id.length() > 3 ? id.substring(0, id.length() - 1) : id + "+1";
            case 4 -> id.replace('/', ' ');
            default -> new StringBuilder(id).reverse().toString();
        };
        ZoneNames.Result r = ZoneNames.read(written);
        if (r instanceof ZoneNames.Result.Problem p) {
            assertTrue(!p.message().contains("did you mean '" + written + "'"), p.message());
            int at = p.message().indexOf("did you mean '");
            if (at >= 0) {
                String suggested = p.message().substring(at + 14, p.message().indexOf('\'', at + 14));
                assertNotEquals(written, suggested);
                assertInstanceOf(ZoneNames.Result.Zone.class, ZoneNames.read(suggested), suggested);
            }
        }
    }
}
