package io.freshet.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.ObjectColumn;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.InputFormat;

/**
 * Puts the resolved inputs before the steps: each input's objects downloaded to the attempt's
 * scratch directory, at the versions its events recorded, and exposed to DuckDB as a view named
 * after the asset. When the pipeline's SQL names {@value ObjectColumn#NAME}, an S3 source's view
 * has that column: the {@code s3://} object each row came from.
 */
final class InputViews {

    /** One downloaded object: its name, where it lies now, and what identifies its content (version id, data version). */
    record InputObject(String uri, Path file, String version) {
    }

    /**
     * An input's objects as its view reads them.
     *
     * @param objectColumn whether its view has {@value ObjectColumn#NAME} (an S3 source of a pipeline whose SQL names it)
     * @param dataVersion  the input's data versions, as the run records them
     */
    record InputFiles(InputFormat format, boolean objectColumn, List<InputObject> objects, String dataVersion) {

        List<Path> files() {
            return objects.stream().map(InputObject::file).toList();
        }
    }

    private final Project project;
    private final ObjectStore objects;

    InputViews(RunnerParts parts) {
        this.project = parts.project();
        this.objects = parts.objects();
    }

    /** Downloads every input and creates its view; what each view reads, by asset. */
    Map<String, InputFiles> create(DuckSession duck, Pipeline pipeline, RunInputs.Resolved.Ready inputs, Path work, AttemptDeadline deadline)
            throws IOException {
        boolean objectColumn = ObjectColumn.readBy(project, pipeline);
        Map<String, String> versions = inputs.versions();
        Map<String, InputFiles> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<AssetEvent>> in : inputs.events().entrySet()) {
            String asset = in.getKey();
            List<InputObject> downloaded = download(in.getValue(), work.resolve("in").resolve(asset));
            deadline.check();
            boolean s3Source = project.source(asset).filter(s -> s instanceof Source.S3).isPresent();
            InputFiles files = new InputFiles(formatOf(asset, in.getValue()), objectColumn && s3Source, downloaded, versions.get(asset));
            view(duck, asset, files);
            out.put(asset, files);
        }
        return out;
    }

    /** The view of {@code asset} over {@code files}: an attempt's, or a for_each task's over one object. */
    static void view(DuckSession duck, String asset, InputFiles files) {
        Optional<DuckSession.ObjectColumn> column = files.objectColumn()
                ? Optional.of(new DuckSession.ObjectColumn(ObjectColumn.NAME, files.objects().stream().map(InputObject::uri).toList()))
                : Optional.empty();
        duck.createInputView(asset, files.files(), files.format(), column);
    }

    private InputFormat formatOf(String asset, List<AssetEvent> events) {
        Optional<String> declared = project.source(asset).filter(s -> s instanceof Source.S3).flatMap(s -> ((Source.S3) s).format());
        return declared.map(InputFormat::of).orElseGet(() -> InputFormat.fromKey(events.get(0).objects().get(0)));
    }

    private List<InputObject> download(List<AssetEvent> events, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<InputObject> files = new ArrayList<>();
        int n = 0;
        for (AssetEvent e : events) {
            for (String uri : e.objects()) {
                String rest = uri.substring("s3://".length());
                String bucket = rest.substring(0, rest.indexOf('/'));
                String key = rest.substring(rest.indexOf('/') + 1);
                String name = key.substring(key.lastIndexOf('/') + 1);
                Path target = dir.resolve((n++) + "-" + name);
                // The version the event recorded (S3 sources on the versioned lake bucket): a later
                // overwrite or deletion of the key does not change what this run reads.
                Optional<String> versionId = e.objects().size() == 1 ? S3Change.versionOf(e) : Optional.empty();
                objects.get(bucket, key, versionId, target);
                files.add(new InputObject(uri, target, versionId.orElse("") + "/" + e.dataVersion()));
            }
        }
        return files;
    }
}
