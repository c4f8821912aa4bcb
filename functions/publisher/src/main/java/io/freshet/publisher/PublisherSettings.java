package io.freshet.publisher;

import java.net.URI;
import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.settings.FunctionSettings;
import io.freshet.core.settings.Setting;
import io.freshet.lineage.LineageSettings;

/**
 * Every setting the publisher reads: the shared ones, the lake bucket required, its catalog's, and
 * OpenLineage's. On AWS the catalog is the Glue Data Catalog of the function's account and region,
 * in the database the template creates; the embedded stack and tests set a JDBC catalog instead.
 */
public final class PublisherSettings {

    public static final Setting<String> LAKE_BUCKET = CommonSettings.LAKE_BUCKET.required();
    public static final Setting<String> LAKE_DATABASE = Setting.text("FRESHET_LAKE_DATABASE",
            "The catalog namespace (a Glue database) of the stack's tables.")
            .withDefault("freshet_$FRESHET_STACK", env -> "freshet_" + CommonSettings.STACK.read(env));
    public static final Setting<Integer> TABLE_RETENTION_HOURS = Setting.wholeNumber("FRESHET_TABLE_RETENTION_HOURS", "hours", 1, 87_600,
            "Snapshots and unreferenced files younger than this are kept: longer than any run waits and runs.").withDefault(72);
    public static final Setting<String> CATALOG_URI = Setting.text("FRESHET_CATALOG_URI",
            "A JDBC URL of an Iceberg JDBC catalog (the embedded stack's PostgreSQL); unset: the Glue Data Catalog.").optional();
    public static final Setting<String> CATALOG_USER = Setting.text("FRESHET_CATALOG_USER",
            "The JDBC catalog's user (with FRESHET_CATALOG_URI).").optional();
    public static final Setting<String> CATALOG_PASSWORD = Setting.text("FRESHET_CATALOG_PASSWORD",
            "The JDBC catalog's password (with FRESHET_CATALOG_URI).").optional();

    /** OpenLineage's settings, the runner's too ({@link LineageSettings}): the publisher emits a published run's COMPLETE. */
    public static final Setting<URI> OPENLINEAGE_URL = LineageSettings.URL;
    public static final Setting<String> OPENLINEAGE_NAMESPACE = LineageSettings.NAMESPACE;
    public static final Setting<Boolean> OPENLINEAGE_EVENTBRIDGE = LineageSettings.EVENTBRIDGE;
    public static final Setting<String> ACCOUNT_ID = LineageSettings.ACCOUNT_ID;
    /** The PostgreSQL connections of outputs loaded into PostgreSQL (the runner's secret, {@link PgCredentials}). */
    public static final Setting<String> PG_SECRET_ARN = PgCredentials.SECRET_ARN;

    public static final FunctionSettings SETTINGS = FunctionSettings.of("publisher", CommonSettings.ALL, List.of(LAKE_BUCKET, LAKE_DATABASE,
            TABLE_RETENTION_HOURS, CATALOG_URI, CATALOG_USER, CATALOG_PASSWORD, OPENLINEAGE_URL, OPENLINEAGE_NAMESPACE,
            OPENLINEAGE_EVENTBRIDGE, ACCOUNT_ID, PG_SECRET_ARN));

    private PublisherSettings() {
    }
}
