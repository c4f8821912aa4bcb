package io.freshet.core.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.location.LocationSyntaxException;
import io.freshet.core.model.AllowedProducers;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Observation;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Source;
import io.freshet.core.model.SourceFiles;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/** Reads a sources file: S3 prefixes files land in, and PostgreSQL databases to snapshot. */
final class SourceParser {

    private final Diagnostics out;
    private final ValueSyntax syntax;
    private final ScheduleParser schedules;
    private final ObservationParser observations;

    SourceParser(Diagnostics out, ValueSyntax syntax, ScheduleParser schedules) {
        this.out = out;
        this.syntax = syntax;
        this.schedules = schedules;
        this.observations = new ObservationParser(out);
    }

    /** The {@code observe:} blocks of every source read so far. */
    List<Observation> observations() {
        return observations.observations();
    }

    List<Source> sources(MapReader file) {
        List<Source> sources = new ArrayList<>();
        Optional<MapReader> all = file.required("sources").flatMap(n -> MapReader.of(n, "sources", out));
        file.finish();
        if (all.isEmpty()) {
            return sources;
        }
        for (YNode.Entry e : all.get().entries()) {
            String name = e.key().value();
            all.get().get(name); // every key of 'sources' is a source name: none is unknown
            if (!syntax.assetName(name, e.key().pos())) {
                continue;
            }
            MapReader.of(e.value(), "source '" + name + "'", out).flatMap(r -> source(name, r, e.key().pos())).ifPresent(sources::add);
        }
        all.get().finish();
        return sources;
    }

    private Optional<Source> source(String name, MapReader r, SourcePos pos) {
        String description = r.string("description").orElse("");
        boolean s3 = r.has("s3");
        boolean postgres = r.has("postgres");
        Optional<Source> result = Optional.empty();
        if (s3 == postgres) {
            out.error(r.pos(), "source '" + name + "' needs exactly one of 's3' (files landing in S3) or 'postgres' (a database to snapshot)");
            r.get("s3");
            r.get("postgres");
            r.get("partitions");
            r.get("format");
            r.get("freshness");
            r.get("ignore");
            r.get("complete_when");
            r.get("observe");
            r.get(ProducerParser.KEY);
        } else if (s3) {
            Optional<YNode> locNode = r.required("s3");
            Optional<LocationPattern> location = locNode.flatMap(n -> syntax.location(n, "'s3'"));
            Optional<Partitioning> declared = r.get("partitions").flatMap(syntax::partitioning);
            Optional<String> format = r.get("format").flatMap(n -> syntax.oneOf(n, "'format'", List.of("csv", "parquet", "json", "ndjson")));
            Optional<Freshness> freshness = r.get("freshness").flatMap(schedules::freshness);
            SourceFiles files = sourceFiles(r, location);
            r.get("observe").ifPresent(n -> observations.listing(name, location.map(LocationPattern::impliedGrain).orElse(PartitionGrain.NONE),
                    files.completeWhen().isPresent(), r.has(ProducerParser.KEY), r.keyPos("observe"), n));
            AllowedProducers producers = ProducerParser.read(r, out);
            if (location.isPresent() && locNode.isPresent()) {
                PartitionGrain implied = location.get().impliedGrain();
                Partitioning partitioning = declared.orElse(Partitioning.of(implied));
                if (declared.isPresent() && declared.get().grain() != implied) {
                    out.error(r.keyPos("partitions"), "source '" + name + "' declares " + declared.get().grain().yamlName()
                            + " partitions but its location " + placeholdersPhrase(implied));
                }
                result = Optional.of(new Source.S3(name, description, location.get(), locNode.get().pos(), partitioning, format, freshness, files, producers, pos));
            }
        } else {
            Optional<Source> postgresSource = r.required("postgres").flatMap(n -> new PostgresSourceParser(out).parse(name, description, n, pos));
            ProducerParser.refuseOnPostgres(r, out);
            for (String key : List.of("partitions", "format", "freshness", "ignore", "complete_when")) {
                if (r.has(key)) {
                    out.error(r.keyPos(key), "'" + key + "' applies to S3 sources, not to a PostgreSQL source"
                            + (key.equals("ignore") || key.equals("complete_when") ? "" : "; the snapshot pipeline's outputs carry it"));
                }
            }
            Optional<String> connection = postgresSource.map(src -> ((Source.Postgres) src).connection());
            r.get("observe").ifPresent(n -> observations.observe(name, connection, n));
            result = postgresSource;
        }
        r.finish();
        return result;
    }

    /** A PostgreSQL source's {@code max_connections:} (docs/pipelines.md), its default when absent. */
    /** An S3 source's {@code ignore:} globs and {@code complete_when:} marker (docs/pipelines.md). */
    private SourceFiles sourceFiles(MapReader r, Optional<LocationPattern> location) {
        List<String> ignore = new ArrayList<>();
        r.get("ignore").ifPresent(node -> {
            List<YNode> items = Values.list(node, "'ignore'", out);
            if (items.isEmpty() && node instanceof YNode.Sequence) {
                out.error(node.pos(), "'ignore' is empty: leave it out, or list globs such as \"*.tmp\"");
            }
            for (YNode item : items) {
                Values.string(item, "an item of 'ignore'", out).ifPresent(glob -> SourceFiles.globProblem(glob).ifPresentOrElse(
                        problem -> out.error(item.pos(), "invalid ignore glob: " + problem), () -> ignore.add(glob)));
            }
        });
        Optional<String> marker = r.string("complete_when").flatMap(name -> {
            Optional<String> problem = SourceFiles.markerNameProblem(name);
            if (problem.isPresent()) {
                out.error(r.get("complete_when").get().pos(), "invalid 'complete_when': " + problem.get());
                return Optional.empty();
            }
            if (location.isPresent()) {
                try {
                    location.get().markerLocation(name);
                } catch (IllegalArgumentException | LocationSyntaxException e) {
                    out.error(r.keyPos("complete_when"), "'complete_when' cannot be used here: " + e.getMessage());
                    return Optional.empty();
                }
            }
            return Optional.of(name);
        });
        return new SourceFiles(ignore, marker);
    }

    private static String placeholdersPhrase(PartitionGrain implied) {
        return switch (implied) {
            case NONE -> "has no partition placeholders ({date}, {hour})";
            case DAILY -> "has daily placeholders ({date} or {year}/{month}/{day}) and no {hour}";
            case HOURLY -> "has hourly placeholders (a date and {hour})";
        };
    }
}
