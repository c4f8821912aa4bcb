package io.freshet.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The runner and the publisher name lake tables alike from the same environment. */
class LineageSettingsTest {

    @Test
    void withTheAccountTablesAreNamedAsTheGlueCatalogOfTheFunctionsRegion() {
        assertEquals(TableNaming.glue("eu-central-1", "123456789012"),
                LineageSettings.glueOrLocation(Map.of("FRESHET_ACCOUNT_ID", "123456789012", "AWS_REGION", "eu-central-1")));
    }

    @Test
    void withoutItByTheirLocation() {
        assertEquals(TableNaming.location(), LineageSettings.glueOrLocation(Map.of("AWS_REGION", "eu-central-1")));
    }
}
