package io.freshet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link LocalS3} in a child JVM started from this same class path: S3Proxy keeps objects in
 * memory, which must not count against the benchmark's heap. The child prints its endpoint and
 * stops when its standard input closes.
 */
final class RemoteS3 implements AutoCloseable {
    final Process process;
    final S3Client client;

    private RemoteS3(Process process, URI endpoint) {
        this.process = process;
        this.client = S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    static RemoteS3 start() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx3g", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Server.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("endpoint ")) {
                RemoteS3 s3 = new RemoteS3(p, URI.create(line.substring("endpoint ".length()).trim()));
                s3.client.createBucket(b -> b.bucket(BenchSnapshot.BUCKET));
                return s3;
            }
        }
        p.destroy();
        throw new IOException("the S3 server did not start (exit " + p.exitValue() + ")");
    }

    @Override
    public void close() throws Exception {
        client.close();
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroy();
        }
    }

    /** The child: LocalS3 until standard input closes. */
    public static final class Server {
        public static void main(String[] args) throws IOException {
            try (LocalS3 s3 = LocalS3.start()) {
                System.out.println("endpoint " + s3.endpoint());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent to close our input
                }
            }
        }
    }
}
