package io.freshet.cli.page;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves the lineage page on the loopback interface: each {@code GET /} renders it anew from the
 * stack, so a reload shows the current state. Nothing else is served, and only to this machine.
 */
public final class PageServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private PageServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code page} on 127.0.0.1:{@code port} (0: any free port). */
    public static PageServer start(int port, Supplier<String> page) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "freshet-page");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, page));
        server.start();
        return new PageServer(server, executor);
    }

    private static void handle(HttpExchange exchange, Supplier<String> page) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!path.equals("/") && !path.equals("/index.html")) {
                send(exchange, 404, "text/plain", "not found: " + path + " (the lineage page is at /)");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain", "method not allowed");
                return;
            }
            String html;
            try {
                html = page.get();
            } catch (RuntimeException e) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                send(exchange, 500, "text/plain", "the page could not be rendered: " + e + "\n\n" + trace);
                return;
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            send(exchange, 200, "text/html", method.equals("HEAD") ? null : html);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, body == null ? -1 : bytes.length);
        if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Where the page is, e.g. {@code http://127.0.0.1:8765/}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
