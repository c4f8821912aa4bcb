package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class RuleNamesTest {

    private static final String VALID = "[.\\-_A-Za-z0-9]{1,64}";

    @Test
    void shortNamesAreThePrefixAndThePipeline() {
        assertEquals("freshet-core_trips", RuleNames.ruleName("freshet", "core_trips"));
        assertEquals("freshet-dev-daily-ridership", RuleNames.ruleName("freshet-dev", "daily-ridership"));
    }

    @Test
    void invalidCharactersBecomeUnderscores() {
        assertEquals("my_stack_", RuleNames.sanitize("my stack!"));
        assertEquals("a.b-c_D9", RuleNames.sanitize("a.b-c_D9"));
        assertEquals("my_stack-core_trips", RuleNames.ruleName("my stack", "core_trips"));
        assertEquals("my_stack-", RuleNames.namePrefix("my stack"));
    }

    @Test
    void aPipelineNameThatHadToBeSanitizedGetsAHashSoItCannotCollide() {
        String a = RuleNames.ruleName("freshet", "a b");
        String b = RuleNames.ruleName("freshet", "a_b");
        assertEquals("freshet-a_b", b);
        assertTrue(a.matches("freshet-a_b-[0-9a-f]{8}"), a);
        assertNotEquals(a, b);
    }

    @Test
    void longNamesAreCutTo64CharactersWithAHashAndKeepThePrefix() {
        String prefix = "p".repeat(40);
        String one = "x".repeat(47) + "1";
        String two = "x".repeat(47) + "2";
        String a = RuleNames.ruleName(prefix, one);
        String b = RuleNames.ruleName(prefix, two);
        assertEquals(64, a.length());
        assertEquals(64, b.length());
        assertNotEquals(a, b);
        assertTrue(a.startsWith(prefix + "-xxxxxxxxxxxxxx"), a);
        assertTrue(a.matches(".*-[0-9a-f]{8}"), a);
        assertEquals(a, RuleNames.ruleName(prefix, one), "names are stable");
    }

    @Test
    void exactly64CharactersIsNotCut() {
        String pipeline = "y".repeat(64 - "freshet-".length());
        assertEquals("freshet-" + pipeline, RuleNames.ruleName("freshet", pipeline));
        String longer = pipeline + "y";
        assertEquals(64, RuleNames.ruleName("freshet", longer).length());
    }

    @Test
    void prefixesMustBeNonEmptyAndLeaveRoom() {
        assertThrows(IllegalArgumentException.class, () -> RuleNames.prefix(""));
        assertThrows(IllegalArgumentException.class, () -> RuleNames.prefix(" "));
        assertThrows(IllegalArgumentException.class, () -> RuleNames.prefix("p".repeat(49)));
        assertEquals("p".repeat(48), RuleNames.prefix("p".repeat(48)));
    }

    @Test
    void theOwnerMarkerRoundTrips() {
        String description = RuleNames.ownerMarker("freshet-dev") + " triggers pipeline x";
        assertEquals(Optional.of("freshet-dev"), RuleNames.ownerOf(description));
        assertEquals(Optional.empty(), RuleNames.ownerOf("someone else's rule"));
        assertEquals(Optional.empty(), RuleNames.ownerOf(null));
    }

    @Property
    void everyNameIsValidAndStartsWithItsPrefix(@ForAll @StringLength(min = 1, max = 48) String prefix,
                                                 @ForAll @StringLength(min = 1, max = 120) String pipeline) {
        Assume.that(!prefix.isBlank());
        String name = RuleNames.ruleName(prefix, pipeline);
        assertTrue(name.matches(VALID), name);
        assertTrue(name.startsWith(RuleNames.namePrefix(prefix)), name);
    }

    @Property
    void differentPipelinesGetDifferentNames(@ForAll @StringLength(min = 1, max = 80) String a,
                                             @ForAll @StringLength(min = 1, max = 80) String b) {
        if (!a.equals(b)) {
            assertNotEquals(RuleNames.ruleName("freshet", a), RuleNames.ruleName("freshet", b));
        }
    }
}
