package io.freshet.core.load;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.location.OverlapCandidates;
import io.freshet.core.location.StackParameters;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.SourcePos;

/**
 * The S3 locations of a project: parameters that exist, sources in the lake bucket, outputs that
 * are plain prefixes matching their pipeline's partitions, and no location overlapping another.
 */
final class LocationValidator {

    private static final String LAKE_BUCKET = StackParameters.LAKE_BUCKET;

    private final List<Source> sources;
    private final List<Pipeline> pipelines;
    private final Set<String> parameters;
    private final Diagnostics out;

    LocationValidator(List<Source> sources, List<Pipeline> pipelines, Set<String> parameters, Diagnostics out) {
        this.sources = sources;
        this.pipelines = pipelines;
        this.parameters = parameters;
        this.out = out;
    }

    void parametersKnown(LocationPattern loc, SourcePos pos) {
        for (String name : loc.parameters()) {
            if (!parameters.contains(name)) {
                // The declared names are always listed: they come from template.yaml's Parameters, which the user may not have in mind.
                String hint = DidYouMean.hint(name, parameters);
                out.error(pos, "unknown parameter '${" + name + "}'" + hint + (hint.isEmpty() ? "; known" : " Known")
                        + " parameters: " + String.join(", ", new TreeSet<>(parameters))
                        + " (the lake bucket and the String Parameters of the template.yaml beside the pipelines)");
            }
        }
    }

    /**
     * The stack routes only the lake bucket's S3 events to s3-events (template.yaml) and lets the
     * runner read only that bucket: a source elsewhere would validate and never fire.
     */
    void inLakeBucket(Source.S3 s3) {
        String lake = "${" + LAKE_BUCKET + "}";
        String bucket = s3.location().bucket();
        boolean unknownParameter = bucket.startsWith("${") && !parameters.contains(bucket.substring(2, bucket.length() - 1));
        if (!bucket.equals(lake) && !unknownParameter) { // an unknown parameter is reported once, by parametersKnown
            out.error(s3.locationPos(), "source '" + s3.name() + "' is in bucket '" + s3.location().bucket()
                    + "', but the stack receives S3 events from and reads only the lake bucket " + lake
                    + ", so it would never fire: land its files under s3://" + lake + "/ (or replicate them there)");
        }
    }

    void outputs(Pipeline p) {
        for (Output o : p.outputs()) {
            LocationPattern loc = o.location();
            parametersKnown(loc, o.locationPos());
            if (!loc.isPrefix() || loc.hasWildcards()) {
                out.error(o.locationPos(), "the location of output '" + o.asset()
                        + "' must be a prefix ending in '/' without '*': the runner writes the asset's objects under it");
                continue;
            }
            // (A key that starts with a parameter gets its root when the parameter is known.)
            if (loc.literalFolder().isEmpty() && !loc.keyStartsWithParameter()) {
                out.error(o.locationPos(), "the location of output '" + o.asset() + "' must start with a folder of its own before its"
                        + " first placeholder (e.g. s3://${LakeBucket}/core/trips/date={date}/): that folder is the root of the asset's table");
            }
            PartitionGrain implied = loc.impliedGrain();
            if (implied != p.partitioning().grain()) {
                out.error(o.locationPos(), "the location of output '" + o.asset() + "' "
                        + (implied == PartitionGrain.NONE ? "has no partition placeholders" : "has " + implied.yamlName() + " placeholders")
                        + " but pipeline '" + p.name() + "' is " + ProjectValidator.words(p.partitioning().grain())
                        + (p.partitioning().grain() == PartitionGrain.DAILY ? "; add date={date}/" : "")
                        + (p.partitioning().grain() == PartitionGrain.HOURLY ? "; add date={date}/hour={hour}/" : ""));
            }
        }
    }

    /**
     * A derived asset written where a source pattern matches would trigger its own pipeline (and
     * others) with every write; two derived assets sharing a prefix could not tell their objects apart.
     */
    void overlaps() {
        tableRoots();
        OverlapCandidates<Source.S3> sourceIndex = new OverlapCandidates<>();
        for (Source s : sources) {
            if (s instanceof Source.S3 s3) {
                sourceIndex.add(s3.location(), s3);
            }
        }
        OverlapCandidates<Output> outputIndex = new OverlapCandidates<>();
        Map<Output, Integer> order = new HashMap<>();
        for (Pipeline p : pipelines) {
            for (Output o : p.outputs()) {
                if (o.location().isPrefix() && !o.location().hasWildcards()) {
                    order.put(o, order.size());
                    outputIndex.add(o.location(), o);
                }
            }
        }
        for (Pipeline p : pipelines) {
            for (Output o : p.outputs()) {
                if (!order.containsKey(o)) {
                    continue;
                }
                sourceIndex.candidates(o.location()).stream()
                        .sorted(Comparator.comparing(Source.S3::name))
                        .forEach(s3 -> o.location().overlapWitness(s3.location()).ifPresent(w -> out.error(o.locationPos(),
                                "the location of output '" + o.asset() + "' overlaps source '" + s3.name() + "' (" + s3.location().text()
                                        + "), e.g. " + w + ": its own writes would re-trigger it; move the output outside the source pattern")));
                // Report each overlapping pair once, at the output declared later.
                outputIndex.candidates(o.location()).stream()
                        .filter(other -> order.get(other) < order.get(o))
                        .sorted(Comparator.comparing(order::get))
                        .forEach(other -> o.location().overlapWitness(other.location()).ifPresent(w -> out.error(o.locationPos(),
                                "the location of output '" + o.asset() + "' overlaps that of '" + other.asset() + "' (" + other.location().text()
                                        + "), e.g. " + w + "; every asset needs a prefix of its own")));
            }
        }
    }

    /**
     * Each derived asset's table keeps its metadata and files under its root folder
     * (io.freshet.core.model.TableLayout), and its housekeeping deletes what its table does not reference there:
     * no root may hold another's. Reported at the later of two outputs in root order.
     */
    private void tableRoots() {
        TreeMap<String, Output> roots = new TreeMap<>();
        for (Pipeline p : pipelines) {
            for (Output o : p.outputs()) {
                String root = o.location().bucket() + "/" + o.location().literalFolder();
                if (o.location().literalFolder().isEmpty()) {
                    continue;
                }
                Output same = roots.putIfAbsent(root, o);
                // (Overlapping locations are reported as such.)
                if (same != null && o.location().overlapWitness(same.location()).isEmpty()) {
                    out.error(o.locationPos(), "output '" + o.asset() + "' has the same table root (" + o.location().literalFolder()
                            + ") as '" + same.asset() + "': give each asset a folder of its own before its placeholders");
                }
            }
        }
        Map.Entry<String, Output> previous = null;
        for (Map.Entry<String, Output> e : roots.entrySet()) {
            if (previous != null && e.getKey().startsWith(previous.getKey())
                    && e.getValue().location().overlapWitness(previous.getValue().location()).isEmpty()) {
                out.error(e.getValue().locationPos(), "the table root of output '" + e.getValue().asset() + "' ("
                        + e.getValue().location().literalFolder() + ") lies inside that of '" + previous.getValue().asset()
                        + "' (" + previous.getValue().location().literalFolder() + "): give each asset a folder of its own");
            } else {
                previous = e;
            }
        }
    }
}
