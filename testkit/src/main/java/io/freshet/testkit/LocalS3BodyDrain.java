package io.freshet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.Locale;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.ReadListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * Works around the ways S3Proxy 4.1 (on its Jetty 12.1) lost responses, which made the SDK's
 * writes flaky: the SDK retried writes that had happened.
 *
 * <p>The SDK sends uploads with {@code Expect: 100-continue}. Jetty answers 100 Continue as soon
 * as a servlet asks for the request's input stream, which S3Proxy does first thing, whatever the
 * request, and the client then sends the whole body. But S3Proxy does not always read it to the
 * end: of an aws-chunked upload (how the SDK sends PutObject and UploadPart over plain HTTP) it
 * reads the decoded length and leaves the last chunk and the checksum trailer; when it refuses a
 * request early (NoSuchBucket) it reads nothing. Jetty then finds content unconsumed at the end of
 * the exchange and, unless the rest has already arrived, closes the connection: the client, still
 * writing, loses the response. And when the refusal followed the 100 at once, the JDK's HTTP client
 * (the SDK's URL-connection client) missed it and waited out its 30 s read timeout.
 * The SDK retried in every case: a write that had happened happened twice (two events), a
 * conditional write failed its own retry with 412, a NoSuchBucket became "Error writing request
 * body" after four attempts. Which requests were hit depended on packet timing.
 *
 * <p>Wrapping S3Proxy's servlet mends both, as S3 behaves: the request's stream is opened only
 * when S3Proxy first reads from it, so 100 Continue goes out only for a body S3Proxy wants (a
 * request refused first is answered without it, and the client never sends the body); and once
 * S3Proxy has answered, whatever it left of a body it began to read is read to the end (the client
 * sends all of it after the 100: at most its Content-Length), so the connection stays usable.
 * So is a body the client sent without asking to wait for a 100 and S3Proxy never read: an empty
 * upload's framing and trailer (the SDK asks for 100 Continue only from one byte of content).
 */
final class LocalS3BodyDrain implements Servlet {

    private static final Logger LOG = LoggerFactory.getLogger(LocalS3BodyDrain.class);

    private final Servlet delegate;

    private LocalS3BodyDrain(Servlet delegate) {
        this.delegate = delegate;
    }

    /**
     * Wraps S3Proxy's servlet, before the proxy starts. S3Proxy builds its Jetty privately, so this
     * reaches it by reflection; should a later S3Proxy move it, the proxy runs unwrapped (and the
     * flakiness is back, which LocalS3Test's repeated writes would show).
     */
    static void install(S3Proxy proxy) {
        try {
            Server server = (Server) field(proxy, "server");
            Servlet servlet = (Servlet) field(proxy, "handler");
            ServletContextHandler context = server.getDescendant(ServletContextHandler.class);
            int wrapped = 0;
            for (ServletHolder holder : context.getServletHandler().getServlets()) {
                if (servlet.getClass().getName().equals(holder.getClassName())) {
                    holder.setServlet(new LocalS3BodyDrain(servlet));
                    wrapped++;
                }
            }
            if (wrapped != 1) {
                LOG.warn("S3Proxy's servlet was not found ({} wrapped): uploads may fail now and then", wrapped);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("S3Proxy's Jetty was out of reach: uploads may fail now and then", e);
        }
    }

    private static Object field(S3Proxy proxy, String name) throws ReflectiveOperationException {
        Field field = S3Proxy.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(proxy);
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        if (!(request instanceof HttpServletRequest http)) {
            delegate.service(request, response);
            return;
        }
        DrainedRequest drained = new DrainedRequest(http);
        try {
            delegate.service(drained, response);
        } finally {
            drained.drain();
        }
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        delegate.init(config);
    }

    @Override
    public ServletConfig getServletConfig() {
        return delegate.getServletConfig();
    }

    @Override
    public String getServletInfo() {
        return delegate.getServletInfo();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    private static final class DrainedRequest extends HttpServletRequestWrapper {
        private LazyStream stream;

        DrainedRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() {
            if (stream == null) {
                stream = new LazyStream(this);
            }
            return stream;
        }

        ServletInputStream open() throws IOException {
            return super.getInputStream();
        }

        /**
         * Reads what is left of the body when the client sends it: if S3Proxy began to read it
         * (Jetty sent 100 Continue then, so the client sends all of it), or if the client did not
         * ask to wait for a 100 and sent it anyway (an empty upload: the SDK asks only from one
         * byte of content, yet sends the aws-chunked framing and trailer, some 200 bytes, which
         * S3Proxy, storing nothing, never reads). Otherwise no 100 went out and the client,
         * waiting for one, sends nothing: there is nothing to read.
         */
        void drain() {
            boolean begun = stream != null && stream.in != null;
            if (!begun && (waitsForContinue() || !hasBody())) {
                return;
            }
            try {
                ServletInputStream in = begun ? stream.in : open();
                byte[] buffer = new byte[8192];
                while (in.read(buffer) >= 0) {
                    // discard: the framing and trailer, or a body S3Proxy refused midway or never read
                }
            } catch (IOException e) {
                LOG.debug("the rest of a request body could not be read; Jetty closes the connection", e);
            }
        }

        private boolean waitsForContinue() {
            String expect = getHeader("Expect");
            return expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue");
        }

        private boolean hasBody() {
            return getContentLengthLong() > 0 || getHeader("Transfer-Encoding") != null;
        }
    }

    /**
     * The request's stream, opened at the first read (Jetty answers 100 Continue when the stream is
     * opened: only S3Proxy's first read shows that it wants the body), its close left to Jetty.
     */
    private static final class LazyStream extends ServletInputStream {
        private final DrainedRequest request;
        private ServletInputStream in;

        LazyStream(DrainedRequest request) {
            this.request = request;
        }

        private ServletInputStream in() throws IOException {
            if (in == null) {
                in = request.open();
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in().available();
        }

        @Override
        public void close() {
            // Left open: Jetty ends the exchange, after the rest has been read.
        }

        @Override
        public boolean isFinished() {
            return opened().isFinished();
        }

        @Override
        public boolean isReady() {
            return opened().isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            opened().setReadListener(listener);
        }

        private ServletInputStream opened() {
            try {
                return in();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
