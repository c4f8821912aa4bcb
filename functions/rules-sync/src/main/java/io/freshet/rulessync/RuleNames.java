package io.freshet.rulessync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the consumer rules, and the marker in their descriptions that says which deployment
 * owns them.
 *
 * <p>EventBridge rule names are at most 64 characters of {@code [.\-_A-Za-z0-9]}. A rule is named
 * {@code <prefix>-<pipeline>}; when that does not fit, or when the pipeline name had to be
 * altered to fit the character set, the name is cut and ends in a hash of the pipeline name, so
 * that two pipelines never share a rule. The prefix itself is always kept whole: the reconciler
 * finds its rules by listing the name prefix {@code <prefix>-}.
 */
public final class RuleNames {

    /** EventBridge's limit on rule names. */
    public static final int MAX_NAME_LENGTH = 64;

    /** Room left for at least a few characters of the pipeline name and the hash. */
    public static final int MAX_PREFIX_LENGTH = 48;

    private static final int HASH_LENGTH = 8;
    private static final Pattern INVALID = Pattern.compile("[^.\\-_A-Za-z0-9]");
    private static final Pattern OWNER = Pattern.compile("^Freshet \\[prefix=([.\\-_A-Za-z0-9]+)]");

    private RuleNames() {
    }

    /** Replaces every character EventBridge does not accept in a rule name with {@code _}. */
    public static String sanitize(String text) {
        return INVALID.matcher(text).replaceAll("_");
    }

    /**
     * The prefix as it appears in rule names: sanitized, and short enough that every rule name
     * still starts with it.
     *
     * @throws IllegalArgumentException when it is empty or longer than {@value #MAX_PREFIX_LENGTH}
     */
    public static String prefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("the rule prefix must not be empty");
        }
        String clean = sanitize(prefix);
        if (clean.length() > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException("the rule prefix '" + prefix + "' is " + clean.length()
                    + " characters; at most " + MAX_PREFIX_LENGTH + " leave room for the pipeline names in 64-character rule names");
        }
        return clean;
    }

    /** What every rule of this prefix starts with: the {@code NamePrefix} the reconciler lists. */
    public static String namePrefix(String prefix) {
        return prefix(prefix) + "-";
    }

    /** The rule name for a pipeline: {@code <prefix>-<pipeline>}, sanitized, at most 64 characters. */
    public static String ruleName(String prefix, String pipeline) {
        String cleanPipeline = sanitize(pipeline);
        String name = namePrefix(prefix) + cleanPipeline;
        boolean altered = !cleanPipeline.equals(pipeline);
        if (!altered && name.length() <= MAX_NAME_LENGTH) {
            return name;
        }
        // Hash the pipeline name as written: two names that sanitize or truncate alike still differ.
        String suffix = "-" + hash(pipeline);
        int keep = Math.min(name.length(), MAX_NAME_LENGTH - suffix.length());
        return name.substring(0, keep) + suffix;
    }

    /**
     * The start of each rule's description. It records the owning prefix because name prefixes
     * nest: listing {@code freshet-} also returns the rules of a deployment whose prefix is
     * {@code freshet-dev}, and those must be left alone.
     */
    public static String ownerMarker(String prefix) {
        return "Freshet [prefix=" + prefix(prefix) + "]";
    }

    /** The prefix named by a description's owner marker, if it has one. */
    public static Optional<String> ownerOf(String description) {
        if (description == null) {
            return Optional.empty();
        }
        Matcher m = OWNER.matcher(description);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
