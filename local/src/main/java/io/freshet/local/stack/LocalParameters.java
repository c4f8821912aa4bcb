package io.freshet.local.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.freshet.cli.operate.OperateException;
import io.freshet.core.load.Project;
import io.freshet.core.load.StackTemplate;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.location.StackParameters;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.yaml.SourcePos;

/**
 * The values an embedded stack gives template.yaml's parameters, in the order {@code sam deploy}
 * applies them: each parameter's {@code Default}, then samconfig.toml's {@code parameter_overrides}
 * (of the chosen config environment, {@code default} unless told), then the command line's
 * {@code --parameter Name=value}. So the local stack runs a project whose locations name
 * {@code ${Env}} as the deployed one would.
 */
public final class LocalParameters {

    /** samconfig.toml's environment SAM uses when none is named. */
    public static final String DEFAULT_CONFIG_ENV = "default";

    private LocalParameters() {
    }

    /** The overrides of {@code repository}'s samconfig.toml (if any) for {@code configEnv}, then {@code given} over them. */
    public static Map<String, String> overrides(Path repository, String configEnv, Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        Path samconfig = repository.resolve("samconfig.toml");
        if (Files.isRegularFile(samconfig)) {
            try {
                out.putAll(SamConfig.parameterOverrides(Files.readString(samconfig), configEnv));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + samconfig, e);
            } catch (IllegalArgumentException e) {
                throw new OperateException(samconfig + ": " + e.getMessage());
            }
        }
        out.putAll(given);
        return out;
    }

    /**
     * What the stack's functions get in {@code FRESHET_PARAMETERS}: each String parameter's value
     * ({@code values}, as the template wiring resolved them) and the lake bucket's local name.
     */
    public static StackParameters of(StackTemplate template, Map<String, String> values, String lakeBucket) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StackTemplate.Declared d : template.parameters().values()) {
            if (d.isString() && values.containsKey(d.name())) {
                out.put(d.name(), values.get(d.name()));
            }
        }
        out.put(StackParameters.LAKE_BUCKET, lakeBucket);
        return StackParameters.of(out);
    }

    /**
     * Refuses a project a location of which names a parameter with no value (declared without a
     * {@code Default}, and given none): every function would fail on it, one event at a time.
     *
     * @throws OperateException listing each such location, at its place in the pipelines
     */
    public static void checkLocations(Project project, StackParameters stack) {
        List<String> problems = new ArrayList<>();
        for (Source s : project.sources()) {
            if (s instanceof Source.S3 s3) {
                check(s3.location(), s3.locationPos(), stack, problems);
            }
        }
        for (Pipeline p : project.pipelines()) {
            for (Output o : p.outputs()) {
                check(o.location(), o.locationPos(), stack, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new OperateException(String.join("\n", problems));
        }
    }

    private static void check(LocationPattern location, SourcePos pos, StackParameters stack, List<String> problems) {
        for (String name : location.parameters()) {
            if (stack.value(name).filter(v -> !v.isBlank()).isEmpty()) {
                problems.add(pos + ": " + location.text() + " needs a value of ${" + name + "}, which template.yaml declares without a"
                        + " Default and which was not given: pass --parameter " + name + "=VALUE, or add " + name
                        + "=VALUE to samconfig.toml's parameter_overrides");
            }
        }
    }
}
