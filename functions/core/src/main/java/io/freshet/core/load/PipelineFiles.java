package io.freshet.core.load;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.SourcePos;

/**
 * Finds the pipeline files under a pipelines directory: every {@code .yaml} or {@code .yml} file,
 * whatever the case of its extension ({@code .YAML} too), in any folder that is not hidden.
 * Symlinked folders and files are followed, like the packaging that copies the directory into
 * each function does; a symlink that leads back into a folder being walked is reported, and so is
 * a symlink named like a pipeline file whose target is missing. Nothing is skipped without a word
 * except hidden entries ({@code .git}, {@code .freshet}).
 */
final class PipelineFiles {

    private PipelineFiles() {
    }

    /**
     * @param root    the absolute, normalised directory
     * @param display how messages name the directory, with a trailing slash, or empty for "."
     */
    static List<Path> find(Path root, String display, Diagnostics out) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (hidden(file) || !isPipelineFileName(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isRegularFile()) {
                        found.add(file);
                    } else if (attrs.isSymbolicLink()) {
                        out.error(pos(file), "this symlink's target does not exist, so the pipeline file cannot be read");
                    } else {
                        out.error(pos(file), "named like a pipeline file but not a regular file");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (hidden(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (e instanceof FileSystemLoopException) {
                        out.error(pos(file), "this symlinked folder leads back into a folder that contains it; its files are read once, through their real folder");
                    } else {
                        out.error(pos(file), "cannot read: " + e.getMessage());
                    }
                    return FileVisitResult.CONTINUE;
                }

                private boolean hidden(Path p) {
                    for (Path part : root.relativize(p)) {
                        if (part.toString().startsWith(".")) return true;
                    }
                    return false;
                }

                private SourcePos pos(Path p) {
                    return new SourcePos(display + root.relativize(p).toString().replace('\\', '/'), 1, 1);
                }
            });
        } catch (IOException e) {
            out.error(new SourcePos(display.isEmpty() ? "." : display.substring(0, display.length() - 1), 1, 1), "cannot list the directory: " + e.getMessage());
        }
        found.sort(null);
        return found;
    }

    static boolean isPipelineFileName(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }
}
