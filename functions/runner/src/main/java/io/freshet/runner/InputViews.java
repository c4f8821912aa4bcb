package io.freshet.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.Project;
import io.freshet.core.model.Source;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.InputFormat;

/**
 * Puts the resolved inputs before the steps: each input's objects downloaded to the attempt's
 * scratch directory, at the versions its events recorded, and exposed to DuckDB as a view named
 * after the asset.
 */
final class InputViews {

    private final Project project;
    private final ObjectStore objects;

    InputViews(RunnerParts parts) {
        this.project = parts.project();
        this.objects = parts.objects();
    }

    void create(DuckSession duck, RunInputs.Resolved.Ready inputs, Path work, AttemptDeadline deadline) throws IOException {
        for (Map.Entry<String, List<AssetEvent>> in : inputs.events().entrySet()) {
            List<Path> files = download(in.getValue(), work.resolve("in").resolve(in.getKey()));
            deadline.check();
            duck.createInputView(in.getKey(), files, formatOf(in.getKey(), in.getValue()));
        }
    }

    private InputFormat formatOf(String asset, List<AssetEvent> events) {
        Optional<String> declared = project.source(asset).filter(s -> s instanceof Source.S3).flatMap(s -> ((Source.S3) s).format());
        return declared.map(InputFormat::of).orElseGet(() -> InputFormat.fromKey(events.get(0).objects().get(0)));
    }

    private List<Path> download(List<AssetEvent> events, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
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
                objects.get(bucket, key, e.objects().size() == 1 ? S3Change.versionOf(e) : Optional.empty(), target);
                files.add(target);
            }
        }
        return files;
    }
}
