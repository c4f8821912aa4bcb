package io.freshet.runner;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.settings.FunctionSettings;
import io.freshet.core.settings.Setting;
import io.freshet.engine.snapshot.SnapshotSettings;
import io.freshet.lineage.LineageSettings;

/**
 * Every setting the runner reads: the shared ones, the lake bucket required, and its own. The
 * per-connection overrides {@code FRESHET_PG_<CONNECTION>_URL}, {@code _USER} and {@code _PASSWORD}
 * (the local stack's, instead of the secret) are a family {@link PgCredentials} reads by name.
 */
public final class RunnerSettings {

    /** Where runs write their outputs, and which S3 sources name as {@code ${LakeBucket}}. */
    public static final Setting<String> LAKE_BUCKET = CommonSettings.LAKE_BUCKET.required();
    public static final Setting<String> PG_SECRET_ARN = PgCredentials.SECRET_ARN;
    /** OpenLineage's settings, the publisher's too ({@link LineageSettings}). */
    public static final Setting<URI> OPENLINEAGE_URL = LineageSettings.URL;
    public static final Setting<String> OPENLINEAGE_NAMESPACE = LineageSettings.NAMESPACE;
    public static final Setting<Boolean> OPENLINEAGE_EVENTBRIDGE = LineageSettings.EVENTBRIDGE;
    public static final Setting<String> ACCOUNT_ID = LineageSettings.ACCOUNT_ID;
    public static final Setting<Path> SCRATCH_DIR = Setting.of("FRESHET_SCRATCH_DIR", "a directory", Path::of,
            "Where attempts download inputs and write outputs before uploading them.")
            .withDefault("$java.io.tmpdir/freshet", env -> Path.of(System.getProperty("java.io.tmpdir"), "freshet"));
    public static final Setting<Integer> SNAPSHOT_LOCK_TIMEOUT_SECONDS = Setting.wholeNumber("FRESHET_SNAPSHOT_LOCK_TIMEOUT_SECONDS",
            "seconds", 1, 999_999, "How long a snapshot waits for a table another session holds locked (a migration) before it fails, transiently.")
            .withDefault((int) SnapshotSettings.DEFAULT_LOCK_TIMEOUT.toSeconds());

    public static final FunctionSettings SETTINGS = FunctionSettings.of("runner", CommonSettings.ALL, List.of(LAKE_BUCKET, PG_SECRET_ARN,
            OPENLINEAGE_URL, OPENLINEAGE_NAMESPACE, OPENLINEAGE_EVENTBRIDGE, ACCOUNT_ID, SCRATCH_DIR, SNAPSHOT_LOCK_TIMEOUT_SECONDS));

    private RunnerSettings() {
    }
}
