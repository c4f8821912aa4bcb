package io.freshet.core.yaml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects every problem of a run so users see all of them at once, not one per attempt. */
public final class Diagnostics {

    private final List<Diagnostic> errors = new ArrayList<>();

    public void error(SourcePos pos, String message) {
        errors.add(new Diagnostic(pos, message));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public int count() {
        return errors.size();
    }

    /** Errors sorted by file, line and column, duplicates removed. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> copy = new ArrayList<>(errors.stream().distinct().toList());
        Collections.sort(copy);
        return List.copyOf(copy);
    }
}
