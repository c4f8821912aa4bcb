package io.freshet.lineage;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The required fields and formats of the OpenLineage 2-0-2 RunEvent schema
 * ({@code openlineage-run-event.schema.json}), for this module's tests and, from its test jar,
 * the runner's and the publisher's.
 */
public final class OpenLineageSchema {

    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(OpenLineageSchema.class.getResourceAsStream("/openlineage-run-event.schema.json"),
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

    private OpenLineageSchema() {
    }

    /** What the event breaks of the schema: empty when it is a valid RunEvent. */
    public static Set<ValidationMessage> violations(JsonNode runEvent) {
        return SCHEMA.validate(runEvent);
    }
}
