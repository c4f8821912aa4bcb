package io.freshet.core.location;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A location's key as a small NFA, for deciding exactly whether two locations can match the same
 * key. A key pattern is a sequence, so the automaton is a chain of {@link Step}s: state {@code i}
 * is "the first i steps are done", and the last state accepts. A step either consumes one symbol of
 * its class and moves on, or (for {@code *}, {@code **} and the tail of a prefix) consumes any
 * number of them and moves on for free.
 *
 * <p>The intersection of two such languages is searched in the product automaton, breadth-first
 * with free moves first (a 0-1 BFS), so the witness is a shortest key matched by both.
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

    /** A shortest key accepted by both chains, or empty if their languages are disjoint. */
    static Optional<String> witness(List<Step> a, List<Step> b) {
        int width = b.size() + 1;
        int states = (a.size() + 1) * width;
        int[] dist = new int[states];
        int[] parent = new int[states];
        String[] emitted = new String[states];
        Arrays.fill(dist, Integer.MAX_VALUE);
        Arrays.fill(parent, -1);
        Deque<Integer> queue = new ArrayDeque<>();
        dist[0] = 0;
        queue.add(0);
        int accept = states - 1;
        while (!queue.isEmpty()) {
            int s = queue.pollFirst();
            if (s == accept) {
                return Optional.of(path(parent, emitted, accept));
            }
            int i = s / width;
            int j = s % width;
            Step sa = i < a.size() ? a.get(i) : null;
            Step sb = j < b.size() ? b.get(j) : null;
            // Leave a repeated step without consuming: free.
            if (sa != null && sa.repeats()) {
                relax(s, (i + 1) * width + j, 0, null, dist, parent, emitted, queue);
            }
            if (sb != null && sb.repeats()) {
                relax(s, i * width + j + 1, 0, null, dist, parent, emitted, queue);
            }
            // Consume one symbol on both sides at once.
            if (sa != null && sb != null) {
                Symbol both = meet(sa.symbol(), sb.symbol());
                int t = (sa.repeats() ? i : i + 1) * width + (sb.repeats() ? j : j + 1);
                if (both != null && t != s) { // a loop on both sides never reaches anything new
                    relax(s, t, 1, render(both), dist, parent, emitted, queue);
                }
            }
        }
        return Optional.empty();
    }

    private static void relax(int from, int to, int cost, String symbol,
                              int[] dist, int[] parent, String[] emitted, Deque<Integer> queue) {
        if (dist[from] + cost < dist[to]) {
            dist[to] = dist[from] + cost;
            parent[to] = from;
            emitted[to] = symbol;
            if (cost == 0) {
                queue.addFirst(to);
            } else {
                queue.addLast(to);
            }
        }
    }

    private static String path(int[] parent, String[] emitted, int end) {
        List<String> pieces = new ArrayList<>();
        for (int s = end; parent[s] >= 0; s = parent[s]) {
            if (emitted[s] != null) {
                pieces.add(emitted[s]);
            }
        }
        Collections.reverse(pieces);
        return String.join("", pieces);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
