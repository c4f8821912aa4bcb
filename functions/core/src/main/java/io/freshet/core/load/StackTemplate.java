package io.freshet.core.load;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import io.freshet.core.location.StackParameters;

/**
 * The {@code Parameters:} a project's template.yaml declares: their names, types and defaults. A
 * location may name every String parameter ({@code ${Env}}) and the lake bucket, a resource of the
 * stack: exactly what template.yaml's Globals pass to every function in {@code FRESHET_PARAMETERS}
 * (template.yaml cannot put a list parameter into a JSON string). The one reader of the template's
 * parameters: the local stack's {@code TemplateWiring} resolves {@code !Ref} of any parameter,
 * whatever its type, through {@link #values(Map)}.
 *
 * @param file       the template, as read
 * @param parameters each declared parameter by name, in the template's order
 */
public record StackTemplate(Path file, Map<String, Declared> parameters) {

    /** The name the template has next to a project's pipelines directory. */
    public static final String FILE_NAME = "template.yaml";

    /** One declared parameter; {@code defaultValue} is empty when the template gives none. */
    public record Declared(String name, String type, Optional<String> defaultValue) {

        public boolean isString() {
            return type.equals("String");
        }
    }

    public StackTemplate {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The names locations may use in the project whose pipelines are in {@code pipelinesDir}: those
     * of the template.yaml beside it when there is one, else {@link ProjectLoader#DEFAULT_PARAMETERS}.
     */
    public static Set<String> locationParametersOf(Path pipelinesDir) {
        return nextTo(pipelinesDir).map(StackTemplate::locationParameters).orElse(ProjectLoader.DEFAULT_PARAMETERS);
    }

    /** The template.yaml in the folder that holds {@code pipelinesDir} ({@code pipelines/}), if any. */
    public static Optional<StackTemplate> nextTo(Path pipelinesDir) {
        Path parent = pipelinesDir.toAbsolutePath().normalize().getParent();
        Path template = parent == null ? null : parent.resolve(FILE_NAME);
        return template != null && Files.isRegularFile(template) ? Optional.of(read(template)) : Optional.empty();
    }

    /**
     * Reads a CloudFormation template's {@code Parameters:}. The rest is not interpreted: its tags
     * ({@code !Ref}, {@code !Sub}) are only composed, never constructed.
     *
     * @throws IllegalArgumentException if the file cannot be read or is not YAML
     */
    public static StackTemplate read(Path template) {
        Node root;
        try (Reader in = Files.newBufferedReader(template, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(template + ": cannot read the template's Parameters: " + e.getMessage(), e);
        }
        Map<String, Declared> declared = new LinkedHashMap<>();
        for (NodeTuple p : entries(entry(root, "Parameters"))) {
            if (p.getKeyNode() instanceof ScalarNode name) {
                Node spec = p.getValueNode();
                String type = scalar(entry(spec, "Type")).orElse("String");
                declared.put(name.getValue(), new Declared(name.getValue(), type, scalar(entry(spec, "Default"))));
            }
        }
        return new StackTemplate(template, declared);
    }

    /** The names a location may use: every String parameter, and the lake bucket. */
    public Set<String> locationParameters() {
        Set<String> names = new TreeSet<>();
        names.add(StackParameters.LAKE_BUCKET);
        parameters.values().stream().filter(Declared::isString).forEach(d -> names.add(d.name()));
        return Collections.unmodifiableSet(names);
    }

    /** The String parameters' defaults (those without one left out), as a stack deployed without overrides has them. */
    public Map<String, String> defaults() {
        Map<String, String> out = new LinkedHashMap<>();
        parameters.values().stream().filter(Declared::isString)
                .forEach(d -> d.defaultValue().ifPresent(v -> out.put(d.name(), v)));
        return out;
    }

    /**
     * Every parameter's value, whatever its type, as a stack deployed with {@code overrides} (as
     * {@code sam deploy --parameter-overrides} gives them) has it: the override, else the
     * {@code Default}, else "" (CloudFormation would refuse such a deploy; the local stack refuses a
     * location that needs the value, {@code LocalParameters.checkLocations}).
     *
     * @throws IllegalArgumentException if an override names a parameter the template does not declare
     */
    public Map<String, String> values(Map<String, String> overrides) {
        Map<String, String> out = new LinkedHashMap<>();
        parameters.values().forEach(d -> out.put(d.name(), d.defaultValue().orElse("")));
        overrides.forEach((name, value) -> {
            if (!out.containsKey(name)) {
                throw new IllegalArgumentException(file + " declares no parameter " + name + " (it declares " + out.keySet() + ")");
            }
            out.put(name, value);
        });
        return out;
    }

    private static Iterable<NodeTuple> entries(Node node) {
        return node instanceof MappingNode m ? m.getValue() : List.of();
    }

    private static Node entry(Node node, String key) {
        for (NodeTuple t : entries(node)) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static Optional<String> scalar(Node node) {
        return node instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
    }
}
