package io.freshet.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.error.FreshetException;

class SettingTest {

    private static final Setting<String> TABLE = Setting.text("FRESHET_TABLE", "The state table.");
    private static final Setting<Integer> TIMEOUT = Setting.wholeNumber("TIMEOUT", "seconds", 1, 999_999, "How long.").withDefault(30);
    private static final Setting<Path> DIR = Setting.of("DIR", "a directory", Path::of, "Where.")
            .withDefault("$ROOT/pipelines", env -> Path.of(env.getOrDefault("ROOT", ".") + "/pipelines"));

    @Test
    void aRequiredSettingThatIsMissingOrBlankNamesTheVariable() {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("FRESHET_TABLE", " "))) {
            SettingException e = assertThrows(SettingException.class, () -> TABLE.read(env));
            assertEquals("environment variable FRESHET_TABLE is not set (template.yaml sets it): The state table.", e.getMessage());
            assertEquals(FreshetException.Kind.CONFIGURATION, e.kind());
            assertEquals("FRESHET_TABLE", e.context().get("variable"));
        }
        assertEquals("t", TABLE.read(Map.of("FRESHET_TABLE", "t")));
    }

    @Test
    void aBadValueNamesTheVariableTheValueAndWhatItExpects() {
        SettingException e = assertThrows(SettingException.class, () -> TIMEOUT.read(Map.of("TIMEOUT", "5x")));
        assertEquals("environment variable TIMEOUT must be a whole number of seconds from 1 to 999999, not '5x'", e.getMessage());
        assertEquals(Map.of("variable", "TIMEOUT", "expects", "a whole number of seconds from 1 to 999999", "value", "5x"), e.context());
        assertThrows(SettingException.class, () -> TIMEOUT.read(Map.of("TIMEOUT", "0")));
        assertThrows(SettingException.class, () -> TIMEOUT.read(Map.of("TIMEOUT", "1000000")));
        assertEquals(5, TIMEOUT.read(Map.of("TIMEOUT", " 5 ")));
    }

    @Test
    void defaultsApplyWhenUnsetAndMayComeFromTheRestOfTheEnvironment() {
        assertEquals(30, TIMEOUT.read(Map.of()));
        assertEquals(Path.of("/var/task/pipelines"), DIR.read(Map.of("ROOT", "/var/task")));
        assertEquals(Path.of("/opt/p"), DIR.read(Map.of("ROOT", "/var/task", "DIR", "/opt/p")));
        assertEquals(Optional.empty(), DIR.find(Map.of("ROOT", "/var/task")), "find gives what is set, no default");
    }

    @Test
    void anOptionalSettingIsFoundNotRead() {
        Setting<Boolean> flag = Setting.flag("FLAG", "Whether.").optional();
        assertEquals(Optional.of(false), flag.find(Map.of("FLAG", "FALSE")));
        assertEquals(Optional.empty(), flag.find(Map.of("FLAG", "")));
        assertThrows(SettingException.class, () -> flag.find(Map.of("FLAG", "yes")));
        assertThrows(IllegalStateException.class, () -> flag.read(Map.of()), "a programming error: read() of what may be unset");
    }

    @Test
    void aFunctionsSettingsAreTheSharedOnesWithItsOwnReplacingThoseOfTheSameName() {
        Setting<String> lake = Setting.text("LAKE", "The lake.").optional();
        FunctionSettings f = FunctionSettings.of("f", List.of(TABLE, lake), List.of(lake.required(), TIMEOUT));
        assertEquals(List.of("FRESHET_TABLE", "LAKE", "TIMEOUT"), f.names());
        assertEquals(List.of("FRESHET_TABLE", "LAKE"), f.required());
        assertTrue(f.markdownTable().contains("| `TIMEOUT` | default `30` | a whole number of seconds from 1 to 999999 | How long. |"),
                f.markdownTable());
        assertThrows(IllegalArgumentException.class, () -> new FunctionSettings("f", List.of(TABLE, TABLE)));
    }
}
