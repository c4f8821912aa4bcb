package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.freshet.aws.CommonSettings;
import io.freshet.core.settings.FunctionSettings;
import io.freshet.emit.EmitSettings;
import io.freshet.core.settings.Setting;
import io.freshet.local.stack.TemplateWiring;
import io.freshet.rulessync.RulesSyncSettings;
import io.freshet.publisher.PublisherSettings;
import io.freshet.runner.RunnerSettings;
import io.freshet.s3events.S3EventsSettings;
import io.freshet.scheduler.SchedulerSettings;
import io.freshet.trigger.TriggerSettings;

/**
 * Each function's settings, declared once in its {@code XxxSettings}, against what template.yaml
 * gives the function (Globals merged) and what docs/deploy.md lists: every setting the function
 * requires is provided, every variable provided is declared, and the doc's tables are the
 * declarations' (regenerate them with {@code -Dfreshet.writeDocs=true}).
 */
class FunctionSettingsTest {

    static final Map<String, FunctionSettings> BY_FUNCTION = Map.of(
            "S3EventsFunction", S3EventsSettings.SETTINGS,
            "TriggerFunction", TriggerSettings.SETTINGS,
            "SchedulerFunction", SchedulerSettings.SETTINGS,
            "RunnerFunction", RunnerSettings.SETTINGS,
            "PublisherFunction", PublisherSettings.SETTINGS,
            "RulesSyncFunction", RulesSyncSettings.SETTINGS,
            "EmitFunction", EmitSettings.SETTINGS);
    private static final TemplateWiring WIRING = TemplateWiring.read(Path.of("../template.yaml"), Map.of(), id -> "arn:" + id);
    private static final Path DEPLOY_DOC = Path.of("../docs/deploy.md");
    private static final String BEGIN = "<!-- function settings: generated from the XxxSettings classes by FunctionSettingsTest -->\n";
    private static final String END = "<!-- end of function settings -->\n";

    @Test
    void eachFunctionDeclaresWhatTheTemplateGivesItAndGetsWhatItRequires() {
        Map<String, TemplateWiring.LambdaFunction> functions = WIRING.functions();
        assertEquals(BY_FUNCTION.keySet(), functions.keySet(), "every function of the template has its settings declared");
        for (var f : functions.values()) {
            FunctionSettings declared = BY_FUNCTION.get(f.logicalId());
            List<String> undeclared = f.environment().keySet().stream().filter(v -> !declared.names().contains(v)).toList();
            assertEquals(List.of(), undeclared, f.logicalId() + ": variables the template sets that " + declared.function() + " does not declare");
            List<String> missing = declared.required().stream().filter(v -> !f.environment().containsKey(v)).toList();
            assertEquals(List.of(), missing, f.logicalId() + ": settings " + declared.function() + " requires that the template does not set");
        }
    }

    /**
     * Lambda's java17 and java21 stop tiered compilation at level 1 unless told otherwise: the
     * runner, whose snapshots lose about 30% on C1 alone, must say level 4; every other function
     * keeps the cold-start flag.
     */
    @Test
    void theRunnerSaysFullJitAndTheOthersKeepTheColdStartFlag() {
        for (var f : WIRING.functions().values()) {
            String options = f.environment().getOrDefault("JAVA_TOOL_OPTIONS", "");
            String level = f.logicalId().equals("RunnerFunction") ? "-XX:TieredStopAtLevel=4" : "-XX:TieredStopAtLevel=1";
            assertTrue(List.of(options.split("\\s+")).contains(level), f.logicalId() + ": JAVA_TOOL_OPTIONS '" + options + "' lacks " + level);
        }
    }

    @Test
    void deployMdListsEveryFunctionsSettings() throws IOException {
        String doc = Files.readString(DEPLOY_DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        String generated = tables();
        if (Boolean.getBoolean("freshet.writeDocs")) {
            Files.writeString(DEPLOY_DOC, doc.substring(0, begin + BEGIN.length()) + generated + doc.substring(end));
            return;
        }
        assertTrue(begin >= 0 && end > begin, "docs/deploy.md has the generated section between " + BEGIN.strip() + " and " + END.strip());
        assertEquals(generated, doc.substring(begin + BEGIN.length(), end),
                "docs/deploy.md's function settings are not the declarations': run this test with -Dfreshet.writeDocs=true");
    }

    /** The shared settings' table, then each function's own settings (and those it requires that others may leave unset). */
    static String tables() {
        FunctionSettings shared = new FunctionSettings("every function", CommonSettings.ALL);
        List<String> parts = new ArrayList<>();
        parts.add("#### Every function\n\n" + shared.markdownTable());
        for (String id : WIRING.functions().keySet()) {
            FunctionSettings f = BY_FUNCTION.get(id);
            List<Setting<?>> own = f.settings().stream().filter(s -> !CommonSettings.ALL.contains(s)).toList();
            parts.add("#### " + f.function() + " (`" + id + "`)\n\n"
                    + (own.isEmpty() ? "Nothing of its own.\n" : new FunctionSettings(f.function(), own).markdownTable()));
        }
        return "\n" + String.join("\n", parts) + "\n";
    }
}
