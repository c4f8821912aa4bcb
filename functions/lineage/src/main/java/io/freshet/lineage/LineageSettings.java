package io.freshet.lineage;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.freshet.aws.Announcer;
import io.freshet.aws.CommonSettings;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.settings.Setting;

/**
 * Where a function sends a run's OpenLineage events: the runner (START, FAIL, COMPLETE of a
 * skipped run) and the publisher (COMPLETE of a published run, FAIL of one it could not publish)
 * read the same settings, so both halves of a run reach the same places.
 */
public final class LineageSettings {

    public static final Setting<URI> URL = Setting.uri("FRESHET_OPENLINEAGE_URL",
            "An OpenLineage HTTP endpoint (Marquez, ...) that also receives each attempt's events.").optional();
    public static final Setting<String> NAMESPACE = Setting.text("FRESHET_OPENLINEAGE_NAMESPACE",
            "The OpenLineage namespace of jobs and datasets.").withDefault("$FRESHET_STACK", CommonSettings.STACK::read);
    public static final Setting<Boolean> EVENTBRIDGE = Setting.flag("FRESHET_OPENLINEAGE_EVENTBRIDGE",
            "Whether OpenLineage events also go to the bus as `OpenLineage Run Event`.").withDefault(true);

    /** The AWS account whose Glue Data Catalog holds the lake's tables: their OpenLineage names. */
    public static final Setting<String> ACCOUNT_ID = Setting.text("FRESHET_ACCOUNT_ID",
            "The AWS account of the Glue Data Catalog, for its tables' OpenLineage names (arn:aws:glue:region:account); "
                    + "unset (and no FRESHET_CATALOG_URI): tables are named by their S3 location.").optional();

    /** The three, in the order the functions declare them. */
    public static final List<Setting<?>> ALL = List.of(URL, NAMESPACE, EVENTBRIDGE);

    private LineageSettings() {
    }

    /**
     * Tables named as the Glue Data Catalog of the function's region and of the account
     * {@code FRESHET_ACCOUNT_ID} names (template.yaml sets it to {@code AWS::AccountId}), the same
     * in the runner's events and the publisher's; without it, by their S3 location.
     */
    public static TableNaming glueOrLocation(Map<String, String> env) {
        return ACCOUNT_ID.find(env).map(account -> TableNaming.glue(CommonSettings.REGION.read(env).id(), account))
                .orElseGet(TableNaming::location);
    }

    /**
     * The events go to the bus as {@code OpenLineage Run Event} (unless
     * {@code FRESHET_OPENLINEAGE_EVENTBRIDGE=false}) and, when {@code FRESHET_OPENLINEAGE_URL} is
     * set, to that HTTP endpoint (Marquez, or any OpenLineage consumer); lake tables named by {@code tables}.
     */
    public static RunLineage lineage(Map<String, String> env, Announcer announcer, JsonLog log, TableNaming tables) {
        List<RunLineage.Sink> sinks = new ArrayList<>();
        if (EVENTBRIDGE.read(env)) {
            sinks.add(json -> announcer.announce(EventJson.OPENLINEAGE_RUN_EVENT, json));
        }
        URL.find(env).ifPresent(url -> sinks.add(new HttpSink(url)));
        return new RunLineage(NAMESPACE.read(env), sinks, log, tables);
    }
}
