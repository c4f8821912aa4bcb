package io.freshet.core.yaml;

/** A place in a pipeline file: the path as the user gave it, and a 1-based line and column. */
public record SourcePos(String file, int line, int column) implements Comparable<SourcePos> {

    @Override
    public int compareTo(SourcePos o) {
        int c = file.compareTo(o.file);
        if (c != 0) return c;
        c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    /** The same file, {@code offset} characters to the right: for errors inside a scalar such as a cron field. */
    public SourcePos shifted(int offset) {
        return new SourcePos(file, line, column + offset);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
