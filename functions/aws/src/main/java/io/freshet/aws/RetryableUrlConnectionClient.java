package io.freshet.aws;

import java.io.IOException;
import java.io.UncheckedIOException;

import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The URL-connection HTTP client, with the I/O failures it reports unchecked reported as
 * {@link IOException}s again, so that the SDK's retries see them.
 *
 * <p>HttpURLConnection fails with "Unexpected end of file from server" when the server closes the
 * connection before answering, as it does to a kept-alive connection it has dropped. When that
 * happens while the request's stream is opened (an S3 PutObject waiting for "100 Continue"), the
 * client of this SDK version wraps the failure in an {@link UncheckedIOException}, which the SDK's
 * retry stage does not catch: one dropped connection failed the call instead of being retried
 * (aws-sdk-java-v2 #7347 fixes it in later SDKs). Seen failing a PutObject to S3Proxy in CI.
 * Retrying is what the SDK already does for every other I/O failure; the calls it repeats are
 * idempotent or guarded by conditions, as for a timeout.
 */
public final class RetryableUrlConnectionClient implements SdkHttpClient {

    private final SdkHttpClient delegate;

    RetryableUrlConnectionClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /** A new URL-connection client, its unchecked I/O failures made retryable. */
    public static SdkHttpClient create() {
        return new RetryableUrlConnectionClient(UrlConnectionHttpClient.create());
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest prepared = delegate.prepareRequest(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                try {
                    return prepared.call();
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }

            @Override
            public void abort() {
                prepared.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
