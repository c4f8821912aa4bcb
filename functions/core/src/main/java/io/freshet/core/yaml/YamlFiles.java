package io.freshet.core.yaml;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses YAML text into {@link YNode}s. Only SnakeYAML's composer runs: no tags are resolved and
 * no Java objects are constructed, so YAML 1.1 surprises ({@code on: yes} meaning booleans,
 * {@code NO} meaning false) cannot happen; the binder decides what each scalar means.
 */
public final class YamlFiles {

    private YamlFiles() {
    }

    /** Parses one file holding one document; syntax errors become diagnostics and an empty result. */
    public static Optional<YNode> parse(String file, String text, Diagnostics out) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // the binder reports duplicates itself, with both positions
        options.setMaxAliasesForCollections(50);
        options.setProcessComments(false);
        // Every tag may be composed: nothing is ever constructed from one, and convert() reports
        // each with its position, instead of a syntax error that hides the rest of the file.
        options.setTagInspector(tag -> true);
        // Callers cap files at ProjectLoader.MAX_FILE_BYTES before parsing; this is a second fence.
        options.setCodePointLimit(Math.max(text.length() + 1, 1024));
        Yaml yaml = new Yaml(options);
        List<Node> documents = new ArrayList<>();
        try {
            for (Node n : yaml.composeAll(new StringReader(text))) {
                documents.add(n);
            }
        } catch (MarkedYAMLException e) {
            // At the end of the file ("got <stream end>") the useful place is where the unclosed
            // bracket or quote was opened, which SnakeYAML gives as the context mark.
            boolean atEnd = e.getProblem() != null && e.getProblem().contains("<stream end>") && e.getContextMark() != null;
            Mark mark = atEnd || e.getProblemMark() == null ? e.getContextMark() : e.getProblemMark();
            SourcePos pos = mark == null ? new SourcePos(file, 1, 1) : new SourcePos(file, mark.getLine() + 1, mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            out.error(pos, "YAML syntax error: " + problem + context + braceHint(text, pos.line(), context));
            return Optional.empty();
        } catch (YAMLException e) {
            out.error(new SourcePos(file, 1, 1), "YAML syntax error: " + e.getMessage());
            return Optional.empty();
        }
        if (documents.isEmpty()) {
            out.error(new SourcePos(file, 1, 1), "the file is empty: expected a pipeline (with 'pipeline:') or sources (with 'sources:')");
            return Optional.empty();
        }
        if (documents.size() > 1) {
            Mark m = documents.get(1).getStartMark();
            out.error(new SourcePos(file, m.getLine() + 1, m.getColumn() + 1),
                    "a pipeline file holds one YAML document; split the second '---' document into its own file");
        }
        return Optional.of(convert(file, documents.get(0), new IdentityHashMap<>(), out));
    }

    /**
     * Locations hold braces ({@code ${LakeBucket}}, {@code {date}}), which end a YAML flow mapping
     * early when unquoted inside {@code {...}} or {@code [...]}: the parser's own message does not
     * say so.
     */
    private static String braceHint(String text, int line, String context) {
        if (!context.contains("flow")) {
            return "";
        }
        String[] lines = text.split("\n", -1);
        String at = line - 1 < lines.length ? lines[line - 1] : "";
        return at.contains("${") || at.matches(".*\\{[a-z]+}.*")
                ? "; inside { } or [ ], quote values that contain braces, e.g. 's3://${LakeBucket}/core/trips/date={date}/'"
                : "";
    }

    /**
     * The tags the composer gives untagged nodes. Any other tag was written by the user: a
     * CloudFormation habit ({@code !Sub}, {@code !Ref}) or a request to build an object, and the
     * binder would silently read the value under it as if the tag were not there.
     */
    private static final Set<String> IMPLICIT_TAGS = Set.of("str", "int", "bool", "float", "null", "timestamp", "merge", "map", "seq");

    private static YNode convert(String file, Node node, Map<Node, YNode> seen, Diagnostics out) {
        YNode done = seen.get(node); // aliases share one node: convert it once
        if (done != null) {
            return done;
        }
        SourcePos pos = new SourcePos(file, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
        String tag = node.getTag().getValue();
        if (!tag.startsWith(Tag.PREFIX) || !IMPLICIT_TAGS.contains(tag.substring(Tag.PREFIX.length()))) {
            String written = tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag;
            out.error(pos, "YAML tags are not supported, got '" + written + "'"
                    + (written.equals("!Sub") || written.equals("!Ref") || written.startsWith("!GetAtt") || written.startsWith("!Join")
                    ? ": this is not CloudFormation; a location takes ${LakeBucket} as it is, and every other value is written plainly"
                    : ": remove the tag and write the plain value"));
        }
        YNode result;
        if (node instanceof ScalarNode s) {
            boolean quoted = s.getScalarStyle() == DumperOptions.ScalarStyle.SINGLE_QUOTED
                    || s.getScalarStyle() == DumperOptions.ScalarStyle.DOUBLE_QUOTED;
            result = new YNode.Scalar(s.getValue(), s.isPlain(), quoted, pos);
        } else if (node instanceof SequenceNode seq) {
            List<YNode> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                items.add(convert(file, item, seen, out));
            }
            result = new YNode.Sequence(List.copyOf(items), pos);
        } else {
            MappingNode map = (MappingNode) node;
            List<YNode.Entry> entries = new ArrayList<>();
            for (NodeTuple t : map.getValue()) {
                YNode key = convert(file, t.getKeyNode(), seen, out);
                YNode.Scalar scalarKey = key instanceof YNode.Scalar s ? s : new YNode.Scalar("<" + key.describe() + ">", false, key.pos());
                entries.add(new YNode.Entry(scalarKey, convert(file, t.getValueNode(), seen, out)));
            }
            result = new YNode.Mapping(List.copyOf(entries), pos);
        }
        seen.put(node, result);
        return result;
    }
}
