package io.freshet.core.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import io.freshet.core.location.LocationPattern;

/**
 * Which of the objects under an S3 source's location are its data, and when a partition is
 * complete. Producers write more than data next to it: Spark's and Hadoop's {@code _SUCCESS},
 * {@code _temporary/} and {@code .crc} files, the console's zero-byte "folder" objects
 * ({@code date=2026-06-02/}), empty placeholder files. Reading those as data fails the run, so
 * they are ignored by default (docs/pipelines.md, "What a partition of an S3 source holds").
 *
 * @param ignore       globs of further objects to ignore: without {@code /} matched against the
 *                     file name, with {@code /} against the whole key ({@code *} any run of
 *                     characters but {@code /}, {@code **} any run, {@code ?} one character but {@code /})
 * @param completeWhen the file name of a completion marker ({@code _SUCCESS}): when set, a
 *                     partition triggers only when its marker arrives, and holds the data written before it
 */
public record SourceFiles(List<String> ignore, Optional<String> completeWhen) {

    /** What every source gets when it says nothing: the default rules, no marker. */
    public static final SourceFiles DEFAULT = new SourceFiles(List.of(), Optional.empty());

    public SourceFiles {
        ignore = List.copyOf(ignore);
    }

    /**
     * Why {@code key} (under {@code location}) is not data of the source, or empty when it is.
     * {@code size} is empty when unknown (a deletion's event does not say it).
     */
    public Optional<String> ignoredBecause(LocationPattern location, String key, OptionalLong size) {
        if (key.endsWith("/")) {
            return Optional.of("a folder marker (the key ends with /)");
        }
        if (size.isPresent() && size.getAsLong() == 0) {
            return Optional.of("an empty object (0 bytes)");
        }
        String[] segments = key.split("/", -1);
        // Segments the location spells out itself are the user's choice, not a producer's hidden file.
        int fixed = (int) location.literalPrefix().chars().filter(c -> c == '/').count();
        for (int i = fixed; i < segments.length; i++) {
            if (isHidden(segments[i])) {
                return Optional.of((i == segments.length - 1 ? "a hidden file" : "in a hidden folder") + " ('" + segments[i]
                        + "' starts with _ or ., the Spark/Hadoop convention for markers and temporary files)");
            }
        }
        String name = segments[segments.length - 1];
        for (String glob : ignore) {
            if (globRegex(glob).matcher(glob.contains("/") ? key : name).matches()) {
                return Optional.of("matched by the source's ignore glob '" + glob + "'");
            }
        }
        return Optional.empty();
    }

    /** Spark's rule: names starting with {@code .}, or with {@code _} unless they are a {@code _column=value} folder. */
    static boolean isHidden(String segment) {
        return segment.startsWith(".") || (segment.startsWith("_") && !segment.contains("="));
    }

    /** Whether {@code fileName} is a valid {@code complete_when} value; the reason when not. */
    public static Optional<String> markerNameProblem(String fileName) {
        if (fileName.isEmpty() || fileName.equals(".") || fileName.equals("..")) {
            return Optional.of("expected a file name such as _SUCCESS");
        }
        if (!fileName.matches("[A-Za-z0-9_.=-]+")) {
            return Optional.of("'" + fileName + "' must be a plain file name (letters, digits, _ . = -): the marker sits in the partition's folder");
        }
        return Optional.empty();
    }

    /** Why {@code glob} is not a valid ignore glob, or empty. */
    public static Optional<String> globProblem(String glob) {
        if (glob.isBlank()) {
            return Optional.of("an ignore glob may not be empty");
        }
        if (glob.contains("***")) {
            return Optional.of("'" + glob + "' contains ***; use * (within a folder) or ** (across folders)");
        }
        if (glob.startsWith("/")) {
            return Optional.of("'" + glob + "' starts with /; S3 keys do not (write landing/x/** or **/x)");
        }
        return Optional.empty();
    }

    static Pattern globRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
