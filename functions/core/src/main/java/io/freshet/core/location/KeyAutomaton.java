package io.freshet.core.location;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A location's key as a small NFA, for deciding exactly whether two locations can match the same
 * key. A key pattern is a sequence, so the automaton is a chain of {@link Step}s: state {@code i}
 * is "the first i steps are done", and the last state accepts. A step either consumes one symbol of
 * its class and moves on, or (for {@code *}, {@code **} and the tail of a prefix) consumes any
 * number of them and moves on for free.
 *
 * <p>The intersection of two such languages is non-empty iff the product automaton has a path
 * from the start to the accepting state; {@link #witness} searches for one and spells it out.
 */
final class KeyAutomaton {

    private KeyAutomaton() {}

    /**
     * What one step can consume. Everything but {@link Param} is a set of characters; a parameter
     * is one opaque symbol standing for its (unknown) deploy-time value, see
     * {@link LocationPattern#overlapWitness}.
     */
    sealed interface Symbol {}

    record Exact(char c) implements Symbol {}

    /** A digit of a placeholder; {@code example} is the digit to show in a witness. */
    record Digit(char example) implements Symbol {}

    /** Anything but {@code /}, from {@code *}. */
    record NotSlash() implements Symbol {}

    /** Anything, from {@code **} or the tail of a prefix location. */
    record AnyChar() implements Symbol {}

    record Param(String name) implements Symbol {}

    record Step(Symbol symbol, boolean repeats) {}

    /** The chain of steps for a key; a prefix location gets a final "anything, repeated" step. */
    static List<Step> compile(List<KeyToken> key, boolean prefix) {
        List<Step> steps = new ArrayList<>();
        for (KeyToken token : key) {
            switch (token) {
                case KeyToken.Literal l -> l.text().chars().forEach(c -> steps.add(new Step(new Exact((char) c), false)));
                case KeyToken.Parameter p -> steps.add(new Step(new Param(p.name()), false));
                case KeyToken.Wildcard w -> steps.add(new Step(w.crossesSlashes() ? new AnyChar() : new NotSlash(), true));
                case KeyToken.Placeholder ph -> ph.field().example.chars().forEach(c -> steps.add(new Step(
                        Character.isDigit(c) ? new Digit((char) c) : new Exact((char) c), false)));
            }
        }
        if (prefix) {
            steps.add(new Step(new AnyChar(), true));
        }
        return steps;
    }

    /** The symbols both {@code x} and {@code y} accept, or null if none; prefers {@code x}'s example digit. */
    static Symbol meet(Symbol x, Symbol y) {
        if (x instanceof AnyChar) {
            return y;
        }
        if (y instanceof AnyChar) {
            return x;
        }
        if (x instanceof NotSlash) {
            return y instanceof Exact e && e.c() == '/' ? null : y;
        }
        if (y instanceof NotSlash) {
            return meet(y, x);
        }
        return switch (x) {
            case Exact e -> switch (y) {
                case Exact f -> e.equals(f) ? e : null;
                case Digit d -> isAsciiDigit(e.c()) ? e : null;
                default -> null; // a parameter is never equal to literal text
            };
            case Digit d -> switch (y) {
                case Exact f -> isAsciiDigit(f.c()) ? f : null;
                case Digit e -> d;
                default -> null;
            };
            case Param p -> p.equals(y) ? p : null;
            default -> throw new AssertionError(x);
        };
    }

    /** How a consumed symbol appears in a witness key. */
    private static String render(Symbol s) {
        return switch (s) {
            case Exact e -> String.valueOf(e.c());
            case Digit d -> String.valueOf(d.example());
            case NotSlash n -> "x";
            case AnyChar a -> "x";
            case Param p -> "${" + p.name() + "}";
        };
    }

    /**
     * A key accepted by both chains, or empty if their languages are disjoint.
     *
     * <p>Any accepting path of the product gives a witness; among them we pick one that leaves as
     * few wildcard runs empty as possible, then the shortest. The witness ends up in error messages,
     * and {@code core/x.csv} reads as an example where the shorter {@code core/.csv} looks like a
     * typo. So the product state also remembers, per side, whether the current repeated step has
     * consumed anything yet, and leaving it empty costs more than any number of characters.
     */
    static Optional<String> witness(List<Step> a, List<Step> b) {
        return new Search(a, b).run();
    }

    /** Dijkstra over states (i, j, a consumed in step i, b consumed in step j), packed into one int. */
    private static final class Search {
        /** Cost of leaving a repeated step without consuming; above any witness length. */
        private static final int EMPTY_RUN = 1 << 16;

        private final List<Step> a;
        private final List<Step> b;
        private final int[] cost;
        private final int[] parent;
        private final String[] emitted;
        private final PriorityQueue<int[]> queue = new PriorityQueue<>(Comparator.comparingInt((int[] e) -> e[0]));

        Search(List<Step> a, List<Step> b) {
            this.a = a;
            this.b = b;
            int states = (a.size() + 1) * (b.size() + 1) * 4;
            cost = new int[states];
            parent = new int[states];
            emitted = new String[states];
            Arrays.fill(cost, Integer.MAX_VALUE);
            Arrays.fill(parent, -1);
        }

        private int state(int i, int j, boolean aUsed, boolean bUsed) {
            return ((i * (b.size() + 1) + j) * 2 + (aUsed ? 1 : 0)) * 2 + (bUsed ? 1 : 0);
        }

        Optional<String> run() {
            relax(-1, state(0, 0, false, false), 0, null);
            while (!queue.isEmpty()) {
                int[] entry = queue.poll();
                int s = entry[1];
                if (entry[0] > cost[s]) {
                    continue; // a stale entry: s was reached more cheaply since
                }
                int i = (s >> 2) / (b.size() + 1);
                int j = (s >> 2) % (b.size() + 1);
                if (i == a.size() && j == b.size()) {
                    return Optional.of(path(s));
                }
                expand(s, i, j);
            }
            return Optional.empty();
        }

        /** Relaxes the moves out of state {@code s}, at step i of a and step j of b. */
        private void expand(int s, int i, int j) {
            boolean bUsed = (s & 1) == 1;
            boolean aUsed = (s >> 1 & 1) == 1;
            Step sa = i < a.size() ? a.get(i) : null;
            Step sb = j < b.size() ? b.get(j) : null;
            // Leave a repeated step without consuming more.
            if (sa != null && sa.repeats()) {
                relax(s, state(i + 1, j, false, bUsed), aUsed ? 0 : EMPTY_RUN, null);
            }
            if (sb != null && sb.repeats()) {
                relax(s, state(i, j + 1, aUsed, false), bUsed ? 0 : EMPTY_RUN, null);
            }
            if (sa != null && sb != null) {
                consumeOnBothSides(s, i, j, sa, sb);
            }
        }

        /** Consumes one symbol that both steps accept, if there is one. */
        private void consumeOnBothSides(int s, int i, int j, Step sa, Step sb) {
            Symbol both = meet(sa.symbol(), sb.symbol());
            if (both != null) {
                int t = state(sa.repeats() ? i : i + 1, sb.repeats() ? j : j + 1, sa.repeats(), sb.repeats());
                if (t != s) { // going round a loop on both sides reaches nothing new
                    relax(s, t, 1, render(both));
                }
            }
        }

        private void relax(int from, int to, int step, String symbol) {
            int c = (from < 0 ? 0 : cost[from]) + step;
            if (c < cost[to]) {
                cost[to] = c;
                parent[to] = from;
                emitted[to] = symbol;
                queue.add(new int[] {c, to});
            }
        }

        private String path(int end) {
            List<String> pieces = new ArrayList<>();
            for (int s = end; s >= 0; s = parent[s]) {
                if (emitted[s] != null) {
                    pieces.add(emitted[s]);
                }
            }
            Collections.reverse(pieces);
            return String.join("", pieces);
        }
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
