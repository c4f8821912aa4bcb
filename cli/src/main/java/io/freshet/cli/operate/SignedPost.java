package io.freshet.cli.operate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * A JSON POST signed with AWS Signature Version 4 for the service {@code lambda}: what a function
 * URL with {@code AuthType: AWS_IAM} admits (the emit function's entry point, docs/producers.md).
 * The credentials are the SDK's default chain (or the profile), so the signer is whoever runs it.
 */
final class SignedPost {

    /** Headers java.net.http sets itself and refuses to be given; they are signed with the values it sends. */
    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length");

    record Response(int status, String body) {
    }

    private SignedPost() {
    }

    static Response post(URI url, String json, String region, Optional<String> profile) throws IOException, InterruptedException {
        DefaultCredentialsProvider.Builder credentials = DefaultCredentialsProvider.builder();
        profile.ifPresent(credentials::profileName);
        AwsCredentials identity;
        try (DefaultCredentialsProvider provider = credentials.build()) {
            identity = provider.resolveCredentials();
        }
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(url)
                .putHeader("content-type", "application/json").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(unsigned)
                .payload(ContentStreamProvider.fromUtf8String(json))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (!SET_BY_CLIENT.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                h.getValue().forEach(v -> request.header(h.getKey(), v));
            }
        }
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        }
    }
}
