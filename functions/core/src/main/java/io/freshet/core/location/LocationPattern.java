package io.freshet.core.location;

import io.freshet.core.location.KeyToken.Field;
import io.freshet.core.partition.PartitionGrain;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An S3 location as written in a pipeline: a source pattern such as
 * {@code s3://${LakeBucket}/landing/taps/date={date}/*.csv} (uploads matching it are events of the
 * asset) or a derived asset's prefix such as {@code s3://${LakeBucket}/core/trips/date={date}/}.
 *
 * <h2>Syntax</h2>
 * {@code s3://BUCKET/KEY}, where
 * <ul>
 *   <li>BUCKET is an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting
 *       and ending with a letter or digit) or a single parameter {@code ${Name}};</li>
 *   <li>KEY is a non-empty sequence of literal characters, parameters {@code ${Name}}
 *       (Name = a letter, then letters or digits), wildcards {@code *} (any run of characters but
 *       {@code /}, possibly empty) and {@code **} (any run of characters), and partition placeholders
 *       {@code {date}} (YYYY-MM-DD), {@code {year}} (4 digits), {@code {month}}, {@code {day}} and
 *       {@code {hour}} (2 digits each);</li>
 *   <li>a KEY ending in {@code /} is a <em>prefix</em>: it matches every key beneath it. Otherwise
 *       the whole key must match.</li>
 * </ul>
 * The key may not start with {@code /}, contain {@code //}, {@code ***}, braces other than those of
 * placeholders and parameters, or the characters AWS advises against ({@code \ ? [ ] #} and control
 * characters). A literal {@code $} not followed by {@code {} is allowed; a literal brace cannot be
 * written.
 *
 * <p>Placeholders must describe a daily or hourly partition: {@code {date}}, or all of
 * {@code {year}}, {@code {month}} and {@code {day}} (in any order), optionally with {@code {hour}};
 * or no placeholder at all. Each placeholder appears at most once. A lone {@code {year}}, or a year
 * and month, is rejected: {@link PartitionGrain} has no monthly or yearly grain, and treating such a
 * location as unpartitioned would silently merge many periods into one partition.
 *
 * <p>Instances are immutable and compare by their text.
 */
public final class LocationPattern {

    private final String text;
    private final String bucket;
    private final boolean bucketIsParameter;
    private final List<KeyToken> key;
    private final boolean prefix;
    private final List<String> parameters;
    private final PartitionGrain grain;
    private final Pattern keyRegex;
    private final Pattern looseKeyRegex;

    private LocationPattern(String text, LocationParser.Parts parts) {
        this.text = text;
        this.bucket = parts.bucket();
        this.bucketIsParameter = parts.bucketIsParameter();
        this.key = parts.key();
        this.prefix = text.endsWith("/");

        Set<String> names = new LinkedHashSet<>();
        if (bucketIsParameter) {
            names.add(bucket.substring(2, bucket.length() - 1));
        }
        key.stream().filter(t -> t instanceof KeyToken.Parameter)
                .forEach(t -> names.add(((KeyToken.Parameter) t).name()));
        this.parameters = List.copyOf(names);

        boolean hasDate = has(Field.DATE) || has(Field.YEAR); // the parser guarantees year implies month and day
        this.grain = !hasDate ? PartitionGrain.NONE : has(Field.HOUR) ? PartitionGrain.HOURLY : PartitionGrain.DAILY;
        this.keyRegex = compileRegex(false);
        this.looseKeyRegex = compileRegex(true);
    }

    /** Parses a location; throws {@link LocationSyntaxException} at the first problem. */
    public static LocationPattern parse(String text) {
        Objects.requireNonNull(text, "text");
        return new LocationPattern(text, LocationParser.parse(text));
    }

    /** The location as written (or, for a resolved pattern, with the parameters substituted). */
    public String text() {
        return text;
    }

    /** The bucket as written: a bucket name, or a parameter such as {@code ${LakeBucket}}. */
    public String bucket() {
        return bucket;
    }

    /** Whether the key ends in {@code /} and so matches every key beneath it. */
    public boolean isPrefix() {
        return prefix;
    }

    /** The names of the parameters used, bucket first, each once, in order of first appearance. */
    public List<String> parameters() {
        return parameters;
    }

    /** The grain the placeholders imply: HOURLY with a date and {@code {hour}}, DAILY with a date only, else NONE. */
    public PartitionGrain impliedGrain() {
        return grain;
    }

    /** Whether the key contains {@code *} or {@code **} (placeholders and parameters are not wildcards). */
    public boolean hasWildcards() {
        return key.stream().anyMatch(t -> t instanceof KeyToken.Wildcard);
    }

    /**
     * The key characters before the first wildcard, placeholder or parameter: every key this
     * location matches starts with it. The whole key if there are none.
     */
    public String literalPrefix() {
        return !key.isEmpty() && key.getFirst() instanceof KeyToken.Literal l ? l.text() : "";
    }

    /** Whether the key's first token is a parameter ({@code ${Env}/core/...}). */
    public boolean keyStartsWithParameter() {
        return !key.isEmpty() && key.getFirst() instanceof KeyToken.Parameter;
    }

    /**
     * The part of {@link #literalPrefix()} up to and including its last {@code /}: the folder every
     * key of this location lies in (for a derived asset, its table's root). Empty when the key's
     * first segment is already variable.
     */
    public String literalFolder() {
        String literal = literalPrefix();
        return literal.substring(0, literal.lastIndexOf('/') + 1);
    }

    /**
     * This location with every parameter replaced by its value; extra entries are ignored.
     *
     * @throws IllegalArgumentException if a parameter has no value, or a value would change the
     *     structure of the location: a bucket value that is not a bucket name; a key value with
     *     {@code *} or braces; a value that makes the key invalid (a leading {@code /}, {@code //},
     *     characters to avoid); or a value ending in {@code /} at the very end of the key, which
     *     would silently turn an exact location into a prefix
     */
    public LocationPattern resolve(Map<String, String> values) {
        if (parameters.isEmpty()) {
            return this;
        }
        for (String name : parameters) {
            if (values.get(name) == null) {
                throw new IllegalArgumentException("no value for parameter ${" + name + "} in location " + text);
            }
        }
        StringBuilder resolved = new StringBuilder(LocationParser.SCHEME);
        if (bucketIsParameter) {
            String name = parameters.getFirst();
            String value = values.get(name);
            LocationSyntaxException problem = LocationParser.bucketNameError(value, 0, value.length());
            if (problem != null) {
                throw new IllegalArgumentException("parameter ${" + name + "} = '" + value + "' in location " + text
                        + " is not a bucket name: " + problem.getMessage());
            }
            resolved.append(value);
        } else {
            resolved.append(bucket);
        }
        resolved.append('/');
        for (int i = 0; i < key.size(); i++) {
            switch (key.get(i)) {
                case KeyToken.Literal l -> resolved.append(l.text());
                case KeyToken.Wildcard w -> resolved.append(w.crossesSlashes() ? "**" : "*");
                case KeyToken.Placeholder p -> resolved.append(p.field().written());
                case KeyToken.Parameter p -> {
                    String value = values.get(p.name());
                    if (value.contains("*") || value.contains("{") || value.contains("}")) {
                        throw new IllegalArgumentException("parameter ${" + p.name() + "} = '" + value + "' in location "
                                + text + " contains * or braces, which would change the pattern");
                    }
                    if (i == key.size() - 1 && value.endsWith("/")) {
                        throw new IllegalArgumentException("parameter ${" + p.name() + "} = '" + value + "' ends the location "
                                + text + " with /, which would make it a prefix; write the / in the location instead");
                    }
                    resolved.append(value);
                }
            }
        }
        try {
            return parse(resolved.toString());
        } catch (LocationSyntaxException e) {
            throw new IllegalArgumentException("location " + text + " becomes " + resolved + " with its parameters, which is invalid: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The concrete key prefix of one partition of this prefix location, e.g.
     * {@code core/trips/date=2026-05-26/} for {@code 2026-05-26}: where a derived asset writes it.
     *
     * @throws IllegalStateException if this is not a prefix, has wildcards or unresolved parameters
     * @throws IllegalArgumentException if {@code partitionKey} is not a key of {@link #impliedGrain()}
     */
    public String keyPrefixFor(String partitionKey) {
        if (!prefix || hasWildcards() || !parameters.isEmpty()) {
            throw new IllegalStateException("location " + text
                    + " does not name one key prefix per partition: expected a prefix (ending in /) without wildcards or parameters");
        }
        return listingPrefix(partitionKey); // no wildcard: the whole key
    }

    /**
     * The prefix every key of one partition ({@code ""}: unpartitioned) of this resolved location
     * starts with, its key up to the first wildcard: observed S3 sources are listed under it.
     */
    public String listingPrefix(String partitionKey) {
        if (!parameters.isEmpty()) {
            throw new IllegalStateException("location " + text + " has unresolved parameters " + parameters);
        }
        return KeyToken.renderUpToWildcard(key, grain.startOf(partitionKey)); // IllegalArgumentException: not a key of this grain
    }

    /**
     * Whether this location matches {@code s3://bucket/key}. For an unresolved location a parameter
     * matches only its own text, {@code ${Name}}.
     */
    public boolean matches(String bucket, String key) {
        return this.bucket.equals(bucket) && keyRegex.matcher(key).matches();
    }

    /**
     * A location {@code s3://bucket/key} that both this and {@code other} match, or empty if there is
     * none. Exact: both keys are compiled to automata (see {@link KeyAutomaton}) and the product is
     * searched, so a witness is found whenever one exists. For readable error messages it fills
     * wildcards with an example character where it can ({@code core/x.csv}, not {@code core/.csv}),
     * and is otherwise as short as possible.
     *
     * <p>Parameters are opaque: a parameter equals only the same parameter, never literal text or a
     * placeholder's digits, while {@code *} and {@code **} can match it. For buckets this means two
     * locations overlap only if both name the same literal bucket or the same parameter: a parameter
     * is one of the stack's own buckets, which a pipeline does not also spell out literally. In the
     * witness a parameter appears as {@code ${Name}}; it matches the unresolved locations as text.
     * This is exact under the assumption that a parameter's value does not coincide with text on
     * the other side; for a definitive answer, compare {@linkplain #resolve resolved} locations
     * (at deploy time, when the values are known).
     *
     * <p>Placeholders are compared by shape (digits), not by calendar: {@code {date}} and
     * {@code 9999-99-99} overlap here, although no event would ever be assigned that partition.
     * Erring towards "overlap" is the safe side for the caller, which uses this to refuse a derived
     * asset whose writes would re-trigger a source.
     */
    public Optional<String> overlapWitness(LocationPattern other) {
        if (!bucket.equals(other.bucket)) {
            // Literal names never contain '$', so this is "same literal or same parameter".
            return Optional.empty();
        }
        return KeyAutomaton.witness(KeyAutomaton.compile(key, prefix), KeyAutomaton.compile(other.key, other.prefix))
                .map(k -> LocationParser.SCHEME + bucket + "/" + k);
    }

    /** The key regex, with a named group per placeholder; matched with {@link Matcher#matches()}. */
    Pattern keyRegex() {
        return keyRegex;
    }

    boolean hasParameters() {
        return !parameters.isEmpty();
    }

    /**
     * The partition key from a successful match of {@link #keyRegex()}.
     *
     * @throws IllegalArgumentException with the reason if the digits are not a real date or hour
     */
    String partitionKeyOf(Matcher m) {
        if (grain == PartitionGrain.NONE) {
            return "";
        }
        String year;
        String month;
        String day;
        if (has(Field.DATE)) {
            String date = m.group(Field.DATE.word);
            year = date.substring(0, 4);
            month = date.substring(5, 7);
            day = date.substring(8, 10);
        } else {
            year = m.group(Field.YEAR.word);
            month = m.group(Field.MONTH.word);
            day = m.group(Field.DAY.word);
        }
        LocalDate date;
        try {
            date = LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(year + "-" + month + "-" + day + " is not a valid date");
        }
        if (grain == PartitionGrain.DAILY) {
            return grain.keyOf(date.atStartOfDay());
        }
        String hour = m.group(Field.HOUR.word);
        int h = Integer.parseInt(hour);
        if (h > 23) {
            throw new IllegalArgumentException("hour " + hour + " is not between 00 and 23");
        }
        return grain.keyOf(date.atTime(h, 0));
    }

    /**
     * Why {@code key} is not a partition of this location although it has its shape: its
     * placeholders hold digits, but not in the exact width ({@code hour=5}, {@code date=2026-6-2}).
     * Empty when the key matches exactly (then {@link #partitionKeyOf} decides) or does not have
     * the shape at all (digits missing, other text: the key is simply not this asset's).
     */
    Optional<String> widthProblem(String key) {
        if (grain == PartitionGrain.NONE || keyRegex.matcher(key).matches()) {
            return Optional.empty();
        }
        Matcher m = looseKeyRegex.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        for (KeyToken token : this.key) {
            if (token instanceof KeyToken.Placeholder p) {
                String value = m.group(p.field().word);
                if (!value.matches(p.field().shapeRegex())) {
                    return Optional.of("{" + p.field().word + "} holds '" + value
                            + "', which is not written like " + p.field().example + " (zero-padded, fixed width)");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The location of a source's completion marker: this location with its last segment (what
     * follows the last {@code /}; nothing for a prefix) replaced by the marker's file name, e.g.
     * {@code s3://b/landing/taps/date={date}/_SUCCESS} for {@code .../date={date}/*.csv}.
     *
     * @throws IllegalArgumentException if the partition placeholders are not all in the folder
     *     part, so a marker could not name the partition it completes
     */
    public LocationPattern markerLocation(String markerName) {
        int slash = text.lastIndexOf('/');
        LocationPattern marker = parse(text.substring(0, slash + 1) + markerName);
        if (marker.impliedGrain() != grain) {
            throw new IllegalArgumentException("the partition placeholders of " + text
                    + " are not all in its folders, so a marker file in its folder cannot name the partition it completes");
        }
        return marker;
    }

    private boolean has(Field field) {
        return key.contains(new KeyToken.Placeholder(field));
    }

    private Pattern compileRegex(boolean loose) {
        StringBuilder re = new StringBuilder();
        for (KeyToken token : key) {
            re.append(switch (token) {
                case KeyToken.Literal l -> Pattern.quote(l.text());
                case KeyToken.Parameter p -> Pattern.quote(p.text());
                case KeyToken.Wildcard w -> w.crossesSlashes() ? ".*" : "[^/]*";
                case KeyToken.Placeholder p -> "(?<" + p.field().word + ">" + (loose ? p.field().looseRegex() : p.field().shapeRegex()) + ")";
            });
        }
        if (prefix) {
            re.append(".*");
        }
        // DOTALL: S3 keys may contain line breaks, and ** / a prefix must match them too.
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocationPattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
