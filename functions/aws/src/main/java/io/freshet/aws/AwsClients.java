package io.freshet.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * How every Freshet function builds its SDK clients: the URL-connection HTTP client (small, quick
 * to start: what a cold start wants), the region from {@code AWS_REGION}, and an optional
 * endpoint override for local servers. With an override, credentials from the environment,
 * system properties or the profile are used and dummy ones otherwise, since local servers accept
 * anything; the default chain's slow container and instance-metadata lookups are skipped there.
 */
public final class AwsClients {

    public static final String DEFAULT_REGION = "eu-central-1";

    private AwsClients() {
    }

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, Optional<URI> endpointOverride, Map<String, String> environment) {
        builder.httpClient(UrlConnectionHttpClient.create()).region(region(environment));
        if (endpointOverride.isPresent()) {
            builder.endpointOverride(endpointOverride.get()).credentialsProvider(localCredentials());
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }

    public static Region region(Map<String, String> environment) {
        return CommonSettings.REGION.read(environment);
    }

    private static AwsCredentialsProvider localCredentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(
                        EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(),
                        ProfileCredentialsProvider.create(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }
}
