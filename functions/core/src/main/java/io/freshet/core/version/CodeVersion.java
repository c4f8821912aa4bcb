package io.freshet.core.version;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

import io.freshet.core.yaml.YNode;

/**
 * A pipeline's code version: a hash of what decides the data it produces, computed from content,
 * never typed by hand. When it changes, the pipeline's assets are stale and are rebuilt.
 *
 * <p>What goes in: the pipeline's YAML as a canonical tree (mapping keys sorted, so their order,
 * comments, quoting, anchors and indentation do not matter) without the keys that decide only
 * <em>when</em> or <em>how reliably</em> it runs ({@link #OPERATIONAL_KEYS}) and without
 * {@code description} at any depth; each SQL file it references, by path and normalised text
 * (UTF-8 byte-order mark dropped, CRLF and CR read as LF, trailing whitespace on each line and
 * trailing blank lines dropped); inline SQL normalised the same way; and {@link #ENGINE_SEMANTICS}.
 * What is <em>not</em> normalised: SQL comments, SQL keyword case and whitespace inside lines,
 * and the order of list items (steps, checks, inputs), all of which may change results or at
 * least their meaning.
 */
public final class CodeVersion {

    /**
     * Bumped only when a Freshet release changes what the same pipeline writes (Parquet settings,
     * type mappings), so that upgrading rebuilds affected assets and nothing else.
     */
    public static final String ENGINE_SEMANTICS = "1";

    /** Top-level pipeline keys that change scheduling or reliability, not the data. */
    public static final Set<String> OPERATIONAL_KEYS = Set.of("trigger", "freshness", "retries", "timeout", "on_code_change");

    private CodeVersion() {
    }

    /** A 16-hex-digit version (64 bits of SHA-256) of the pipeline's YAML tree and its SQL files (path -> text). */
    public static String of(YNode pipeline, SortedMap<String, String> sqlFiles) {
        StringBuilder canonical = new StringBuilder("freshet-engine-semantics:").append(ENGINE_SEMANTICS).append('\n');
        canonical(pipeline, canonical, true);
        canonical.append('\n');
        for (Map.Entry<String, String> f : sqlFiles.entrySet()) {
            canonical.append("sql-file:").append(f.getKey()).append('\n').append(normaliseText(f.getValue())).append('\n');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Line endings to LF, trailing whitespace per line and trailing blank lines removed, BOM dropped. */
    public static String normaliseText(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        t = t.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder b = new StringBuilder();
        for (String line : t.split("\n", -1)) {
            b.append(line.stripTrailing()).append('\n');
        }
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == '\n') {
            end--;
        }
        return b.substring(0, end);
    }

    private static void canonical(YNode node, StringBuilder b, boolean top) {
        switch (node) {
            case YNode.Scalar s -> quote(s.value().contains("\n") ? normaliseText(s.value()) : s.value(), b);
            case YNode.Sequence seq -> {
                b.append('[');
                for (YNode item : seq.items()) {
                    canonical(item, b, false);
                    b.append(',');
                }
                b.append(']');
            }
            case YNode.Mapping m -> {
                b.append('{');
                m.entries().stream()
                        .filter(e -> !e.key().value().equals("description"))
                        .filter(e -> !top || !OPERATIONAL_KEYS.contains(e.key().value()))
                        .sorted(Comparator.comparing(e -> e.key().value()))
                        .forEach(e -> {
                            quote(e.key().value(), b);
                            b.append(':');
                            canonical(e.value(), b, false);
                            b.append(',');
                        });
                b.append('}');
            }
        }
    }

    private static void quote(String s, StringBuilder b) {
        b.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        b.append('"');
    }
}
