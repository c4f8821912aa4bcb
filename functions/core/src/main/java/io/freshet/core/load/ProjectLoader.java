package io.freshet.core.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.freshet.core.graph.AssetGraph;
import io.freshet.core.location.StackParameters;
import io.freshet.core.model.Check;
import io.freshet.core.model.Observation;
import io.freshet.core.model.Connection;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.version.CodeVersion;
import io.freshet.core.yaml.Diagnostic;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.YNode;
import io.freshet.core.yaml.YamlFiles;

/**
 * Loads a pipelines directory: every {@code *.yaml} / {@code *.yml} file under it (hidden
 * directories skipped), each either a pipeline or a list of sources. All errors of all files are
 * collected; a project is returned only when there are none.
 */
public final class ProjectLoader {

    /**
     * The deploy-time parameters a location may use in a project without a template.yaml beside
     * its pipelines (with one, {@link StackTemplate#locationParametersOf} names them).
     */
    public static final Set<String> DEFAULT_PARAMETERS = Set.of(StackParameters.LAKE_BUCKET);

    private ProjectLoader() {
    }

    /**
     * Loads the directory a function was packaged with. Unlike the other overloads it does not
     * refuse cron expressions whose fire times all lie in the past: a deployed project must not
     * stop loading (and every pipeline stop running) on the day a year named in a cron passes.
     */
    public static LoadResult load(Path dir) {
        return load(dir, dir.toString(), DEFAULT_PARAMETERS, Optional.empty());
    }

    /**
     * Loads the directory a function was packaged with, on a stack whose parameters are
     * {@code stack}: its locations may name those (and the lake bucket), as {@code freshet validate}
     * allowed them from template.yaml.
     */
    public static LoadResult load(Path dir, StackParameters stack) {
        return load(dir, dir.toString(), locationParameters(stack), Optional.empty());
    }

    /** The names a location may use on a stack whose parameters are {@code stack}: theirs, and the lake bucket's. */
    public static Set<String> locationParameters(StackParameters stack) {
        Set<String> names = new TreeSet<>(stack.names());
        names.addAll(DEFAULT_PARAMETERS);
        return Set.copyOf(names);
    }

    /**
     * Loads a project as {@code freshet validate} does, as of now: its locations may name the String
     * parameters of the template.yaml beside {@code dir} (and the lake bucket), or only the lake
     * bucket without one; a template that cannot be read is an error at its first line.
     */
    public static LoadResult loadProject(Path dir, String displayDir) {
        Set<String> parameters;
        try {
            parameters = StackTemplate.locationParametersOf(dir);
        } catch (IllegalArgumentException e) {
            String template = Path.of(displayDir).resolveSibling(StackTemplate.FILE_NAME).toString().replace('\\', '/');
            return new LoadResult(Optional.empty(), List.of(new Diagnostic(new SourcePos(template, 1, 1), e.getMessage())));
        }
        return load(dir, displayDir, parameters);
    }

    /** Loads and validates as of now: a cron whose every fire time is past is an error. */
    public static LoadResult load(Path dir, String displayDir, Set<String> parameters) {
        return load(dir, displayDir, parameters, Optional.of(Instant.now()));
    }

    /**
     * @param displayDir how to name the directory in messages (the path as the user typed it), so
     *                   errors read {@code pipelines/core_trips.yaml:12:5: ...}
     * @param notBefore  when present, a cron expression that never fires at or after it is an error
     */
    public static LoadResult load(Path dir, String displayDir, Set<String> parameters, Optional<Instant> notBefore) {
        Diagnostics out = new Diagnostics();
        String display = displayDir.replace('\\', '/').replaceAll("/+$", "");
        if (display.isEmpty()) {
            display = ".";
        }
        if (!Files.isDirectory(dir)) {
            out.error(new SourcePos(display, 1, 1), "not a directory: expected the folder that holds the pipeline YAML files");
            return new LoadResult(Optional.empty(), out.sorted());
        }
        // Every path below is taken from the absolute, normalised directory: "." normalises to the
        // empty path, which no file path starts with, and "../pipelines" or a symlinked folder
        // must name the same files as "pipelines".
        Path base = dir.toAbsolutePath().normalize();
        List<Source> sources = new ArrayList<>();
        List<Pipeline> pipelines = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        Map<String, YNode> pipelineRoots = new LinkedHashMap<>();
        FileParser parser = new FileParser(out, notBefore);
        String prefix = display.equals(".") ? "" : display + "/";
        for (Path file : PipelineFiles.find(base, prefix, out)) {
            String name = prefix + base.relativize(file).toString().replace('\\', '/');
            Optional<String> text = read(file, name, out);
            Optional<YNode> root = text.flatMap(t -> YamlFiles.parse(name, t, out));
            root.flatMap(r -> parser.parse(name, r)).ifPresent(parsed -> {
                switch (parsed) {
                    case FileParser.SourcesFile s -> {
                        sources.addAll(s.sources());
                        connections.addAll(s.connections());
                    }
                    case FileParser.PipelineFile p -> {
                        pipelines.add(p.pipeline());
                        pipelineRoots.putIfAbsent(p.pipeline().name(), p.root());
                    }
                }
            });
        }
        if (sources.isEmpty() && pipelines.isEmpty() && !out.hasErrors()) {
            out.error(new SourcePos(display, 1, 1), "no pipeline files here: expected *.yaml files declaring sources and pipelines");
        }
        ProjectValidator validator = new ProjectValidator(sources, pipelines, base, display, parameters, parser.pipelinesWithBrokenSteps(), out);
        validator.observed(parser.observations().stream().map(Observation::source).collect(Collectors.toSet()));
        validator.validate();
        new WarehouseOutputValidator(connections, pipelines, out).validate();
        if (out.hasErrors()) {
            return new LoadResult(Optional.empty(), out.sorted());
        }
        Map<String, String> versions = new TreeMap<>();
        for (Pipeline p : pipelines) {
            SortedMap<String, String> hashed = sqlFilesOf(p, validator.sqlFiles());
            hashed.putAll(PostgresInputRules.versionParts(p, validator.sourceByName())); // the table or query a PostgreSQL input reads
            versions.put(p.name(), CodeVersion.of(pipelineRoots.get(p.name()), hashed));
        }
        Project project = new Project(List.copyOf(sources), List.copyOf(pipelines), AssetGraph.of(sources, pipelines),
                Map.copyOf(validator.sqlFiles()), Map.copyOf(versions), parser.observations());
        return new LoadResult(Optional.of(project), List.of());
    }

    private static SortedMap<String, String> sqlFilesOf(Pipeline p, Map<String, String> texts) {
        SortedMap<String, String> used = new TreeMap<>();
        List<SqlText> all = new ArrayList<>();
        for (Step s : p.steps()) {
            if (s instanceof Step.Sql sql) all.add(sql.sql());
        }
        for (Check c : p.checks()) {
            if (c instanceof Check.CustomSql sql) all.add(sql.sql());
        }
        for (SqlText t : all) {
            if (t instanceof SqlText.File f) {
                used.put(f.path(), texts.get(f.path()));
            }
        }
        return used;
    }

    /**
     * The largest pipeline file read, checked before reading: the biggest real pipeline is a few
     * kilobytes, and a file this size holds thousands of sources. Large SQL belongs in sql/ files.
     */
    public static final long MAX_FILE_BYTES = 4 * 1024 * 1024;

    private static Optional<String> read(Path file, String name, Diagnostics out) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                out.error(new SourcePos(name, 1, 1), "the file is " + size + " bytes, more than the " + MAX_FILE_BYTES
                        + " (4 MiB) a pipeline file may hold; split its sources or pipelines into several files, and keep long SQL in files under sql/");
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            out.error(new SourcePos(name, 1, 1), "the file is not valid UTF-8");
        } catch (IOException e) {
            out.error(new SourcePos(name, 1, 1), "cannot read the file: " + e.getMessage());
        }
        return Optional.empty();
    }
}
