package io.freshet.scheduler;

import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.settings.FunctionSettings;

/**
 * Every setting the scheduler reads: the shared ones; {@code FRESHET_STACK} names the Stack
 * dimension of the tick's metrics, which the OverdueAssets alarm selects. Its own:
 * {@code FRESHET_PG_SECRET_ARN}, the PostgreSQL connections observed sources query (the
 * {@code FRESHET_PG_<CONNECTION>_*} family locally, as the runner's).
 */
public final class SchedulerSettings {

    public static final FunctionSettings SETTINGS = FunctionSettings.of("scheduler", CommonSettings.ALL, List.of(PgCredentials.SECRET_ARN));

    private SchedulerSettings() {
    }
}
