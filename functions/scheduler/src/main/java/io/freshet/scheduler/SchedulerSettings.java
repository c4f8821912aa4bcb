package io.freshet.scheduler;

import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.core.settings.FunctionSettings;

/**
 * Every setting the scheduler reads: the shared ones; {@code FRESHET_STACK} names the Stack
 * dimension of the tick's metrics, which the OverdueAssets alarm selects.
 */
public final class SchedulerSettings {

    public static final FunctionSettings SETTINGS = FunctionSettings.of("scheduler", CommonSettings.ALL, List.of());

    private SchedulerSettings() {
    }
}
