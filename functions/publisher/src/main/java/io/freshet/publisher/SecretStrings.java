package io.freshet.publisher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import io.freshet.aws.json.EventJson;
import io.freshet.core.error.ConfigurationException;

/**
 * Secrets Manager's {@code GetSecretValue}, one SigV4-signed JSON request through the functions'
 * URL-connection client, instead of the Secrets Manager SDK client: that client is 0.76 MB zipped
 * and some 200 classes to load, for one call (package sizes: docs/performance.md). Its answer's
 * {@code SecretString} is returned; an error names the secret and AWS's error type, never a body.
 */
final class SecretStrings implements Function<String, String> {

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;

    /** @param endpoint {@code https://secretsmanager.<region>.amazonaws.com/}, or a test server */
    SecretStrings(URI endpoint, String region, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
    }

    /**
     * Secrets Manager's endpoint in {@code region}, unless overridden as the SDK's clients are
     * (LocalStack, sam local): {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, {@code AWS_ENDPOINT_URL},
     * or the system property {@code aws.endpointUrl}.
     */
    static URI endpointOf(String region, Map<String, String> env) {
        String override = env.getOrDefault("AWS_ENDPOINT_URL_SECRETS_MANAGER",
                env.getOrDefault("AWS_ENDPOINT_URL", System.getProperty("aws.endpointUrl", "")));
        return URI.create(override.isBlank() ? "https://secretsmanager." + region + ".amazonaws.com/" : override);
    }

    @Override
    public String apply(String secretArn) {
        byte[] body = EventJson.MAPPER.createObjectNode().put("SecretId", secretArn).toString().getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "secretsmanager.GetSecretValue")
                .build();
        AwsCredentialsIdentity identity = credentials.resolveCredentials();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "secretsmanager")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null)).build()).call();
            JsonNode answer = read(response);
            int status = response.httpResponse().statusCode();
            if (status != 200 || !answer.path("SecretString").isTextual()) {
                throw new SecretUnavailableException("Secrets Manager did not give the secret " + secretArn + ": HTTP " + status
                        + (answer.has("__type") ? " " + answer.get("__type").asText() : "")
                        + (status == 200 ? " without a SecretString (a binary secret is not read)" : ""));
            }
            return answer.get("SecretString").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("Secrets Manager did not answer for " + secretArn, e);
        }
    }

    private static JsonNode read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return EventJson.MAPPER.createObjectNode();
        }
        try (InputStream in = response.responseBody().get()) {
            JsonNode node = EventJson.MAPPER.readTree(in);
            return node == null ? EventJson.MAPPER.createObjectNode() : node;
        }
    }

    /** The secret could not be had (no permission, no such secret): the deployment's to fix. */
    static final class SecretUnavailableException extends ConfigurationException {
        SecretUnavailableException(String message) {
            super(message);
        }
    }
}
