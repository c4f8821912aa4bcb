package io.freshet.publisher;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.apache.iceberg.catalog.Namespace;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.location.StackParameters;
import io.freshet.core.error.ConfigurationException;
import io.freshet.core.load.Project;
import io.freshet.lineage.LineageSettings;
import io.freshet.lineage.TableNaming;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.tables.CatalogConfig;
import io.freshet.tables.LakeTables;

/** Builds the publisher from its environment, once per cold start. */
final class PublisherWiring {

    private PublisherWiring() {
    }

    static PublisherService fromEnvironment(Map<String, String> env, Clock clock) {
        Config config = Config.from(env);
        Project project = config.project();
        String lake = PublisherSettings.LAKE_BUCKET.read(env);
        JsonLog log = JsonLog.forFunction("publisher", env, clock);
        LakeTables tables = new LakeTables(catalog(env, config, lake), Namespace.of(PublisherSettings.LAKE_DATABASE.read(env)));
        PublishingAnnouncer announcer = PublishingAnnouncer.create(config);
        return new PublisherService(project, new DynamoStateStore(DynamoClients.create(config.dynamoEndpoint(), env), config.table(), clock),
                tables, config.parameters().with(StackParameters.LAKE_BUCKET, lake), announcer, log, clock, FaultPoints.NONE, Duration.ofHours(PublisherSettings.TABLE_RETENTION_HOURS.read(env)),
                LineageSettings.lineage(env, announcer, log, tableNaming(env)),
                new PgCredentials(env, arn -> new SecretStrings(SecretStrings.endpointOf(CommonSettings.REGION.read(env).id(), env),
                        CommonSettings.REGION.read(env).id(), DefaultCredentialsProvider.builder().build()).apply(arn)));
    }

    /**
     * How OpenLineage names the tables: as the catalog that holds them. The JDBC catalog of
     * {@code FRESHET_CATALOG_URI}; else the Glue Data Catalog of the function's region and of the
     * account {@code FRESHET_ACCOUNT_ID} names (template.yaml sets it to {@code AWS::AccountId});
     * without it, by their S3 location.
     */
    static TableNaming tableNaming(Map<String, String> env) {
        Optional<String> jdbc = PublisherSettings.CATALOG_URI.find(env);
        if (jdbc.isPresent()) {
            return jdbc.get().startsWith("jdbc:postgresql://") ? TableNaming.jdbc(jdbc.get()) : TableNaming.location();
        }
        return LineageSettings.glueOrLocation(env);
    }

    /**
     * The Glue Data Catalog of the function's account and region; a JDBC catalog when
     * {@code FRESHET_CATALOG_URI} names one (the embedded stack's), with S3FileIO on the stack's
     * S3 endpoint and the environment's credentials.
     */
    static CatalogConfig catalog(Map<String, String> env, Config config, String lake) {
        String warehouse = "s3://" + lake + "/";
        String region = CommonSettings.REGION.read(env).id();
        return PublisherSettings.CATALOG_URI.find(env).<CatalogConfig>map(uri -> new CatalogConfig.Local(uri,
                        PublisherSettings.CATALOG_USER.find(env).orElse(null), PublisherSettings.CATALOG_PASSWORD.find(env).orElse(null),
                        warehouse, config.s3Endpoint().orElseThrow(() -> new CatalogSettingException(
                                "FRESHET_CATALOG_URI (a JDBC catalog) needs FRESHET_ENDPOINT_S3: the JDBC catalog is the embedded stack's")),
                        region, env.getOrDefault("AWS_ACCESS_KEY_ID", "local"), env.getOrDefault("AWS_SECRET_ACCESS_KEY", "local")))
                .orElseGet(() -> new CatalogConfig.Glue(warehouse, region));
    }

    /** The catalog's settings do not go together. */
    static final class CatalogSettingException extends ConfigurationException {
        CatalogSettingException(String message) {
            super(message);
        }
    }
}
