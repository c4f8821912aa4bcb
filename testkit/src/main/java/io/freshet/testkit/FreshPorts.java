package io.freshet.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loopback ports that no earlier local server of this JVM listened on. The JDK keeps idle HTTP
 * connections per host and port in one keep-alive cache, shared by every URL-connection client of
 * the process. A server started on a port that an earlier, stopped one used would be handed that
 * one's dead connections, and a streaming upload on them fails on every SDK attempt ("Error
 * writing request body to server", "Unexpected end of file from server"): a test class that ran
 * after many others failed so, now and then, on its first upload.
 */
final class FreshPorts {

    private static final Set<Integer> USED = ConcurrentHashMap.newKeySet();

    private FreshPorts() {
    }

    /** Notes that a server of this JVM listens on {@code port}; false when one did before. */
    static boolean claim(int port) {
        return USED.add(port);
    }

    /** A free loopback port, claimed, that no server of this JVM used before. */
    static int next() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
                if (claim(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free loopback port", e);
            }
        }
    }
}
