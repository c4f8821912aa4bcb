package io.freshet.core.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ConditionParserTest {

    private static final List<String> ASSETS = List.of("raw.taps", "raw.stations", "raw.routes", "core.trips", "landing.x_1");

    @Test
    void andBindsTighterThanOr() {
        Condition c = ConditionParser.parse("raw.a | raw.b & raw.c");
        assertEquals(new Condition.Any(List.of(new Condition.Asset("raw.a", 0),
                new Condition.All(List.of(new Condition.Asset("raw.b", 0), new Condition.Asset("raw.c", 0))))), c);
        assertEquals("raw.a | raw.b & raw.c", c.text());
    }

    @Test
    void parenthesesOverridePrecedenceAndSameOperatorsFlatten() {
        assertEquals("(raw.a | raw.b) & raw.c", ConditionParser.parse("(raw.a|raw.b)&raw.c").text());
        assertEquals("raw.a & raw.b & raw.c", ConditionParser.parse("raw.a & (raw.b & (raw.c))").text());
        assertEquals("raw.a", ConditionParser.parse("  ((raw.a))  ").text());
    }

    @Test
    void namesItsAssetsInOrderOfAppearanceWithOffsets() {
        Condition c = ConditionParser.parse("raw.taps & (raw.stations | raw.taps)");
        assertEquals(List.of("raw.taps", "raw.stations"), new ArrayList<>(c.assets()));
        Condition.Asset stations = (Condition.Asset) ((Condition.Any) ((Condition.All) c).operands().get(1)).operands().get(0);
        assertEquals(12, stations.offset());
    }

    @Test
    void allMeansEveryOperandAndAnyMeansOne() {
        Condition c = ConditionParser.parse("raw.taps & raw.stations");
        assertEquals(false, c.holds(Set.of("raw.taps")::contains));
        assertEquals(true, c.holds(Set.of("raw.taps", "raw.stations")::contains));
        Condition any = ConditionParser.parse("raw.taps | raw.stations");
        assertEquals(true, any.holds(Set.of("raw.stations")::contains));
        assertEquals(false, any.holds(Set.of()::contains));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "'';0;the condition is empty: expected asset names joined by & and |",
            "raw.a &;7;expected an asset name or '(' at the end of the condition",
            "raw.a & | raw.b;8;expected an asset name or '(' before '|'",
            "(raw.a & raw.b;0;unbalanced '(': expected ')' to close it",
            "raw.a & raw.b);13;unbalanced ')': no '(' to close",
            "raw.a raw.b;6;expected '&', '|' or the end of the condition, got 'r'",
            "raw.a && raw.b;7;expected an asset name or '(' before '&'",
            "raw.a and raw.b;6;expected '&', '|' or the end of the condition, got 'a'",
            "Raw.a;0;unexpected character 'R': conditions use asset names, &, | and parentheses",
            "raw.a & raw..b;8;'raw..b' is not an asset name (dotted lower-case words such as raw.taps)",
            "raw.a | !raw.b;8;unexpected character '!': conditions use asset names, &, | and parentheses",
            "raw.a & raw.B;8;'raw.B' is not an asset name (dotted lower-case words such as raw.taps)",
    })
    void rejectsMalformedConditionsWithTheOffsetOfTheProblem(String text, int offset, String message) {
        ConditionSyntaxException e = assertThrows(ConditionSyntaxException.class, () -> ConditionParser.parse(text));
        assertEquals(message, e.getMessage());
        assertEquals(offset, e.offset());
    }

    // ------------------------------------------------------------ properties

    @Provide
    Arbitrary<Condition> conditions() {
        return conditions(3);
    }

    private static Arbitrary<Condition> conditions(int depth) {
        Arbitrary<Condition> leaf = Arbitraries.of(ASSETS).map(a -> new Condition.Asset(a, 0));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<List<Condition>> operands = conditions(depth - 1).list().ofMinSize(2).ofMaxSize(3);
        return Arbitraries.frequencyOf(
                Tuple.of(2, leaf),
                Tuple.of(3, operands.map(Condition.All::new)),
                Tuple.of(3, operands.map(Condition.Any::new)));
    }

    /** A fully parenthesised rendering: no reliance on precedence at all. */
    private static String fullyParenthesised(Condition c) {
        return switch (c) {
            case Condition.Asset a -> a.name();
            case Condition.All all -> "(" + String.join(" & ", all.operands().stream().map(ConditionParserTest::fullyParenthesised).toList()) + ")";
            case Condition.Any any -> "(" + String.join(" | ", any.operands().stream().map(ConditionParserTest::fullyParenthesised).toList()) + ")";
        };
    }

    /** The reference semantics, written independently of Condition.holds. */
    private static boolean reference(Condition c, Set<String> updated) {
        return switch (c) {
            case Condition.Asset a -> updated.contains(a.name());
            case Condition.All all -> {
                boolean r = true;
                for (Condition o : all.operands()) r &= reference(o, updated);
                yield r;
            }
            case Condition.Any any -> {
                boolean r = false;
                for (Condition o : any.operands()) r |= reference(o, updated);
                yield r;
            }
        };
    }

    @Property(tries = 500)
    void canonicalTextParsesBackToAnEquivalentCondition(@ForAll("conditions") Condition c, @ForAll("updates") Set<String> updated) {
        Condition reparsed = ConditionParser.parse(c.text());
        assertEquals(reparsed.text(), ConditionParser.parse(reparsed.text()).text(), "the canonical text is a fixed point");
        assertEquals(reference(c, updated), reparsed.holds(updated::contains), c.text());
    }

    @Property(tries = 500)
    void parsingAgreesWithTheFullyParenthesisedReading(@ForAll("conditions") Condition c, @ForAll("updates") Set<String> updated) {
        Condition parsed = ConditionParser.parse(fullyParenthesised(c));
        assertEquals(reference(c, updated), parsed.holds(updated::contains));
        assertEquals(ConditionParser.parse(c.text()).text(), parsed.text());
    }

    @Property(tries = 300)
    void whitespaceDoesNotMatter(@ForAll("conditions") Condition c, @ForAll("updates") Set<String> updated) {
        String spaced = fullyParenthesised(c).replace("(", " ( ").replace(")", " ) ").replace("&", "\t&\n").replace(" | ", "|");
        assertEquals(reference(c, updated), ConditionParser.parse(spaced).holds(updated::contains));
    }

    @Provide
    Arbitrary<Set<String>> updates() {
        return Arbitraries.subsetOf(ASSETS);
    }

    @Property(tries = 300)
    void garbageNeverEscapesAsAnotherException(@ForAll("garbage") String text) {
        try {
            Condition c = ConditionParser.parse(text);
            assertEquals(c.text(), ConditionParser.parse(c.text()).text());
        } catch (ConditionSyntaxException e) {
            assertEquals(true, e.offset() >= 0 && e.offset() <= text.length(), "offset inside the text");
        }
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.strings().withChars("ab.&|() _".toCharArray()).ofMaxLength(20);
    }
}
