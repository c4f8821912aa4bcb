package io.freshet.core.load;

import java.util.List;
import java.util.Optional;

import io.freshet.core.yaml.Diagnostic;

/** A loaded project, or every error that kept it from loading. */
public record LoadResult(Optional<Project> project, List<Diagnostic> errors) {

    public boolean ok() {
        return errors.isEmpty();
    }

    /** The project, or a {@link PipelineLoadException} listing every error. */
    public Project orThrow() {
        return project.orElseThrow(() -> new PipelineLoadException(errors));
    }
}
