package io.freshet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;

import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The local servers' clients: the URL-connection client, a connection the server dropped before
 * answering retried by the SDK. The functions' own clients do the same with
 * {@code io.freshet.aws.RetryableUrlConnectionClient}, which says why; the test kit cannot use that
 * class, as the module holding it is tested with this one. Without it, a PutObject to S3Proxy on a
 * kept-alive connection Jetty had closed failed a test in CI ("Unexpected end of file from server").
 */
public final class RetriedDrops {

    private RetriedDrops() {
    }

    /** A new URL-connection client whose unchecked I/O failures the SDK's retries see as I/O failures. */
    public static SdkHttpClient urlConnectionClient() {
        SdkHttpClient bare = UrlConnectionHttpClient.create();
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                ExecutableHttpRequest prepared = bare.prepareRequest(request);
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
            public void close() {
                bare.close();
            }
        };
    }
}
