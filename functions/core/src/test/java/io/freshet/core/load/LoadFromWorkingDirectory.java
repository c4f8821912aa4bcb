package io.freshet.core.load;

import java.nio.file.Path;

import io.freshet.core.yaml.Diagnostic;

/**
 * Loads the directory named by its argument, relative to the working directory, and prints every
 * error: {@link PipelineDirectoryTest} runs it in a new JVM started inside a pipelines directory,
 * as {@code freshet validate .} is run there.
 */
public final class LoadFromWorkingDirectory {

    private LoadFromWorkingDirectory() {
    }

    public static void main(String[] args) {
        LoadResult result = ProjectLoader.load(Path.of(args[0]), args[0], ProjectLoader.DEFAULT_PARAMETERS);
        for (Diagnostic d : result.errors()) {
            System.out.println(d);
        }
        System.out.println(result.ok() ? "ok " + result.orThrow().pipelines().size() : "failed");
    }
}
