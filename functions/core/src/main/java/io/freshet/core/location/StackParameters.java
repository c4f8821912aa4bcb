package io.freshet.core.location;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The values of the parameters a deployed stack gives its locations ({@code ${Name}}): the lake
 * bucket and every String parameter template.yaml declares, so that a dev and a prod stack run
 * the same pipelines and differ by parameters only. Every place that resolves a location takes
 * them from here; a deployed function reads them from one environment variable
 * ({@code FRESHET_PARAMETERS}, a JSON object template.yaml's Globals build with {@code !Sub}).
 *
 * @param values each parameter's value by name
 */
public record StackParameters(SortedMap<String, String> values) {

    /** The parameter that names the lake bucket in locations ({@code s3://${LakeBucket}/...}); a resource of the stack. */
    public static final String LAKE_BUCKET = "LakeBucket";

    public StackParameters {
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
        values.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("a stack parameter needs a name and a value: " + k + "=" + v);
            }
        });
    }

    public static StackParameters of(Map<String, String> values) {
        return new StackParameters(new TreeMap<>(values));
    }

    /** Only the lake bucket: a stack whose locations name no other parameter. */
    public static StackParameters lakeBucket(String bucket) {
        return of(Map.of(LAKE_BUCKET, bucket));
    }

    /**
     * The parameters of a flat JSON object of strings, {@code {"LakeBucket":"acme-lake","Env":"dev"}}.
     *
     * @throws IllegalArgumentException saying where the text stops being such an object
     */
    public static StackParameters parseJson(String json) {
        return of(FlatJson.parseObject(json));
    }

    /** The names of the parameters given a value. */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(values.keySet()));
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The lake bucket, where runs write their outputs. */
    public String lakeBucket() {
        return value(LAKE_BUCKET).orElseThrow(() -> new IllegalStateException("the stack parameters " + names() + " name no " + LAKE_BUCKET));
    }

    /**
     * {@code location} with every parameter replaced by its value.
     *
     * @throws IllegalArgumentException naming the parameter that has no value (or a value that does not fit the location)
     */
    public LocationPattern resolve(LocationPattern location) {
        return location.resolve(values);
    }

    /** The same parameters, {@code name} set to {@code value}. */
    public StackParameters with(String name, String value) {
        TreeMap<String, String> more = new TreeMap<>(values);
        more.put(name, value);
        return new StackParameters(more);
    }

    /** As {@link #parseJson} reads them. */
    public String toJson() {
        return FlatJson.write(values);
    }
}
