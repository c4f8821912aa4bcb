package io.freshet.emit;

import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.core.settings.FunctionSettings;
import io.freshet.core.settings.Setting;

/** Every setting the emit function reads: the shared ones, with the lake bucket required (locations name it). */
public final class EmitSettings {

    /** The bucket S3 sources name as {@code ${LakeBucket}}: announced objects must lie under their source's location in it. */
    public static final Setting<String> LAKE_BUCKET = CommonSettings.LAKE_BUCKET.required();

    public static final FunctionSettings SETTINGS = FunctionSettings.of("emit", CommonSettings.ALL, List.of(LAKE_BUCKET));

    private EmitSettings() {
    }
}
