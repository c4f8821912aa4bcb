package io.freshet.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.freshet.core.location.StackParameters;
import io.freshet.core.settings.SettingException;

/** How a function reads the stack's parameters from its environment. */
class StackParametersSettingTest {

    @Test
    void freshetParametersGivesEveryValueAndTheLakeBucketSettingItsBucket() {
        assertEquals(StackParameters.lakeBucket("lake").with("Env", "dev"), CommonSettings.stackParameters(Map.of(
                "FRESHET_PARAMETERS", "{\"LakeBucket\":\"lake\",\"Env\":\"dev\"}", "FRESHET_LAKE_BUCKET", "lake")));
        assertEquals(StackParameters.lakeBucket("lake").with("Env", "dev"), CommonSettings.stackParameters(Map.of(
                "FRESHET_PARAMETERS", "{\"Env\":\"dev\"}", "FRESHET_LAKE_BUCKET", "lake")));
        assertEquals(StackParameters.lakeBucket("lake"), CommonSettings.stackParameters(Map.of("FRESHET_LAKE_BUCKET", "lake")),
                "a stack deployed before FRESHET_PARAMETERS existed");
        assertEquals(StackParameters.of(Map.of()), CommonSettings.stackParameters(Map.of("FRESHET_PARAMETERS", " ")));
    }

    @Test
    void malformedParametersStopTheFunctionNamingTheVariable() {
        SettingException e = assertThrows(SettingException.class, () -> Config.from(Map.of("FRESHET_TABLE", "t",
                "FRESHET_PARAMETERS", "LakeBucket=lake,Env=dev")));
        assertTrue(e.getMessage().startsWith("environment variable FRESHET_PARAMETERS must be a JSON object of strings such as"
                + " {\"LakeBucket\":\"acme-lake\",\"Env\":\"dev\"}, not 'LakeBucket=lake,Env=dev': expected '{' at character 1"),
                e.getMessage());
    }
}
