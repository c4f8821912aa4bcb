package io.freshet.trigger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The Lambda constructor primes for SnapStart (an Asset Updated through the pending set and readiness) and swallows whatever fails, so that
 * priming can never break an init: this is where a priming that stopped reaching the end shows.
 */
class TriggerHandlerPrimingTest {

    @Test
    void primingGoesThroughTheWholePathWithoutFailing() {
        Map<String, String> env = Map.of("FRESHET_TABLE", "freshet-state", "FRESHET_BUS", "freshet",
                "FRESHET_LAKE_BUCKET", "freshet-lake-local", "FRESHET_PIPELINES_DIR", "../../pipelines", "AWS_REGION", "eu-central-1");
        assertDoesNotThrow(() -> TriggerHandler.primeOnce(env));
    }
}
