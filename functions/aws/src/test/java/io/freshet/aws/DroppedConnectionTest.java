package io.freshet.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A server that drops the first connection before answering, as S3 or a load balancer drops a
 * kept-alive connection it has closed, then answers an S3 PutObject: a client {@link AwsClients}
 * builds retries the call. SDKs before aws-sdk-java-v2 #7347 (2.41 among them) failed it
 * unretried with an {@code UncheckedIOException} ("Unexpected end of file from server"); this
 * test keeps a downgrade from bringing that back.
 */
class DroppedConnectionTest {

    private static final String BODY = "id\n1\n";

    @Test
    void aConnectionDroppedBeforeTheAnswerIsRetried() throws Exception {
        try (DroppingServer server = new DroppingServer(1); S3Client s3 = s3(server)) {
            s3.putObject(b -> b.bucket("lake").key("a.csv"), RequestBody.fromString(BODY));
            assertEquals(2, server.requests.get(), "the dropped request, then its retry");
        }
    }

    @Test
    void aServerThatDropsEveryConnectionFailsTheCallAfterRetries() throws Exception {
        try (DroppingServer server = new DroppingServer(Integer.MAX_VALUE); S3Client s3 = s3(server)) {
            SdkClientException e = assertThrows(SdkClientException.class,
                    () -> s3.putObject(b -> b.bucket("lake").key("a.csv"), RequestBody.fromString(BODY)));
            assertTrue(server.requests.get() > 1, "retried before giving up: " + server.requests.get() + ", " + e);
        }
    }

    private static S3Client s3(DroppingServer server) {
        return AwsClients.build(S3Client.builder().forcePathStyle(true),
                Optional.of(URI.create("http://127.0.0.1:" + server.socket.getLocalPort())), Map.of());
    }

    /** Drops the first {@code drops} connections once their request's headers are read; answers the rest as S3 answers a PutObject. */
    private static final class DroppingServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger requests = new AtomicInteger();
        private final Thread thread;

        DroppingServer(int drops) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(drops), "dropping-server");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(int drops) {
            while (!socket.isClosed()) {
                try (Socket c = socket.accept()) {
                    InputStream in = c.getInputStream();
                    String headers = readHeaders(in);
                    if (requests.incrementAndGet() <= drops) {
                        continue; // closed without a word
                    }
                    OutputStream out = c.getOutputStream();
                    if (headers.toLowerCase(Locale.ROOT).contains("expect: 100-continue")) {
                        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    byte[] body = in.readNBytes(contentLength(headers));
                    String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
                    out.write(("HTTP/1.1 200 OK\r\nETag: \"" + etag + "\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | NoSuchAlgorithmException e) {
                    return; // closed
                }
            }
        }

        private static String readHeaders(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int x = in.read();
                if (x < 0) {
                    throw new IOException("end of request");
                }
                b.write(x);
                state = (x == '\r' && state % 2 == 0) || (x == '\n' && state % 2 == 1) ? state + 1 : 0;
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        private static int contentLength(String headers) {
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
                }
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
