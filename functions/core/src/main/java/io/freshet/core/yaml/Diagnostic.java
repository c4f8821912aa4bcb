package io.freshet.core.yaml;

/** One problem found in the pipelines, printed the way compilers print them: {@code file:line:col: message}. */
public record Diagnostic(SourcePos pos, String message) implements Comparable<Diagnostic> {

    @Override
    public int compareTo(Diagnostic o) {
        int c = pos.compareTo(o.pos);
        return c != 0 ? c : message.compareTo(o.message);
    }

    @Override
    public String toString() {
        return pos + ": " + message;
    }
}
