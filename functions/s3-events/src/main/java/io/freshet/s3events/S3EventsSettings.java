package io.freshet.s3events;

import java.util.List;

import io.freshet.aws.CommonSettings;
import io.freshet.core.settings.FunctionSettings;
import io.freshet.core.settings.Setting;

/** Every setting the s3-events function reads: the shared ones, with the lake bucket required. */
public final class S3EventsSettings {

    /** The bucket whose notifications arrive, and which S3 sources name as {@code ${LakeBucket}}. */
    public static final Setting<String> LAKE_BUCKET = CommonSettings.LAKE_BUCKET.required();

    public static final FunctionSettings SETTINGS = FunctionSettings.of("s3-events", CommonSettings.ALL, List.of(LAKE_BUCKET));

    private S3EventsSettings() {
    }
}
