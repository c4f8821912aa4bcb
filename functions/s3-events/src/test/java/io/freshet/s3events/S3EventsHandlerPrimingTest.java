package io.freshet.s3events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The Lambda constructor primes for SnapStart (an object a source matches, through parsing, matching, recording and announcing) and swallows whatever fails, so that
 * priming can never break an init: this is where a priming that stopped reaching the end shows.
 */
class S3EventsHandlerPrimingTest {

    @Test
    void primingGoesThroughTheWholePathWithoutFailing() {
        Map<String, String> env = Map.of("FRESHET_TABLE", "freshet-state", "FRESHET_BUS", "freshet",
                "FRESHET_LAKE_BUCKET", "freshet-lake-local", "FRESHET_PIPELINES_DIR", "../../pipelines", "AWS_REGION", "eu-central-1");
        assertDoesNotThrow(() -> S3EventsHandler.primeOnce(env));
    }
}
