package io.freshet.trigger;

import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.core.settings.FunctionSettings;

/** Every setting the trigger reads: the shared ones, nothing of its own. */
public final class TriggerSettings {

    public static final FunctionSettings SETTINGS = FunctionSettings.of("trigger", CommonSettings.ALL, List.of());

    private TriggerSettings() {
    }
}
