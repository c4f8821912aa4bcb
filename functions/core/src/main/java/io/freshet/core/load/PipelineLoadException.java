package io.freshet.core.load;

import java.util.List;
import java.util.stream.Collectors;

import io.freshet.core.error.ConfigurationException;
import io.freshet.core.yaml.Diagnostic;

/** The pipelines directory has errors; the message lists all of them as {@code file:line:col: message}. */
public final class PipelineLoadException extends ConfigurationException {

    private final List<Diagnostic> errors;

    public PipelineLoadException(List<Diagnostic> errors) {
        super(errors.size() + " error(s) in the pipelines:\n"
                + errors.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<Diagnostic> errors() {
        return errors;
    }
}
