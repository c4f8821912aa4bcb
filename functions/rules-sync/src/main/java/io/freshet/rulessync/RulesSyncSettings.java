package io.freshet.rulessync;

import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.core.settings.FunctionSettings;

/**
 * Every setting the rules-sync function reads: the pipelines and EventBridge's endpoint and
 * region. It reads the bus and prefix from the custom resource's properties, not the
 * environment, and never touches the state table.
 */
public final class RulesSyncSettings {

    public static final FunctionSettings SETTINGS = FunctionSettings.of("rules-sync", CommonSettings.ALL,
            List.of(CommonSettings.TABLE.optional()));

    private RulesSyncSettings() {
    }
}
