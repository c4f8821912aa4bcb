package io.freshet.bench.coldstart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code bench coldstart} runs in a new JVM whose class path is one function's package and
 * this class: it builds the handler as Lambda's runtime does (the public no-arg constructor, the
 * environment from the process), invokes it with each event file in turn and prints one line:
 *
 * <pre>FRESHET-COLDSTART start=1763720000123 jdk=25.0.1+8-LTS main=41 constructed=612 invoked=903,935 classes=3804 response={"recorded":1}</pre>
 *
 * {@code start} is when the JVM started ({@code RuntimeMXBean.getStartTime()}, epoch milliseconds);
 * the other times are milliseconds since then: when {@code main} was entered, when the
 * constructor returned, when each invocation returned. Right after the first invocation returns it
 * prints {@value #FIRST} alone, so that whoever launched it can time the first response from outside.
 * {@code --floor} only prints the line (a JVM that starts and prints: the floor).
 *
 * <p>It depends on nothing but the JDK (the bench writes this class file next to the package),
 * and calls {@code handleRequest(InputStream, OutputStream, Context)} by reflection with a null
 * context, as the embedded stack does. java.management is loaded only after the last invocation, so
 * that it does not count in what is measured.
 */
public final class ColdStartProbe {

    public static final String PREFIX = "FRESHET-COLDSTART";
    public static final String FIRST = "FRESHET-COLDSTART-FIRST";

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        long main = System.currentTimeMillis();
        PrintStream out = System.out;
        try {
            out.println(run(main, args, out));
            out.flush();
            System.exit(0); // whatever threads the handler left running, the measurement is over
        } catch (Throwable e) {
            Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            out.println(PREFIX + " error=" + oneLine(cause.toString()));
            out.flush();
            cause.printStackTrace();
            System.exit(1);
        }
    }

    /** Builds the handler, invokes it with each event file, and returns the result line. */
    static String run(long mainMillis, String[] args, PrintStream out) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ColdStartProbe (--floor | --init CLASS | HANDLER_CLASS EVENT_FILE...)");
        }
        StringBuilder line = new StringBuilder(PREFIX);
        if (args[0].equals("--floor")) {
            long start = ManagementFactory.getRuntimeMXBean().getStartTime();
            return line.append(" start=").append(start).append(" jdk=").append(System.getProperty("java.runtime.version"))
                    .append(" main=").append(mainMillis - start).toString();
        }
        if (args[0].equals("--init")) {
            return initialize(mainMillis, args[1], out, line);
        }
        Class<?> type = Class.forName(args[0]);
        Constructor<?> constructor = type.getConstructor();
        Object handler = constructor.newInstance();
        long constructed = System.currentTimeMillis();
        Method handle = null;
        for (Method m : type.getMethods()) {
            Class<?>[] p = m.getParameterTypes();
            if (m.getName().equals("handleRequest") && p.length == 3 && p[0] == InputStream.class && p[1] == OutputStream.class) {
                handle = m;
            }
        }
        if (handle == null) {
            throw new IllegalArgumentException(args[0] + " has no handleRequest(InputStream, OutputStream, Context)");
        }
        long[] invoked = new long[args.length - 1];
        String firstResponse = "";
        for (int i = 1; i < args.length; i++) {
            byte[] event = Files.readAllBytes(Path.of(args[i]));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            handle.invoke(handler, new ByteArrayInputStream(event), response, null);
            invoked[i - 1] = System.currentTimeMillis();
            if (i == 1) {
                out.println(FIRST);
                firstResponse = response.toString(StandardCharsets.UTF_8);
            }
        }
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        line.append(" start=").append(start).append(" jdk=").append(System.getProperty("java.runtime.version"))
                .append(" main=").append(mainMillis - start).append(" constructed=").append(constructed - start).append(" invoked=");
        for (int i = 0; i < invoked.length; i++) {
            line.append(i == 0 ? "" : ",").append(invoked[i] - start);
        }
        line.append(" classes=").append(ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        return line.append(" response=").append(oneLine(firstResponse)).toString();
    }

    /**
     * Only initializes class {@code name} (its static initializer: DuckDB's {@code DuckDBNative}
     * loads its native library there), as if that were the handler's construction and its only
     * invocation: {@code constructed} and both {@code invoked} are when it was done.
     */
    private static String initialize(long mainMillis, String name, PrintStream out, StringBuilder line) throws ClassNotFoundException {
        Class.forName(name, true, ColdStartProbe.class.getClassLoader());
        long initialized = System.currentTimeMillis();
        out.println(FIRST);
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        long at = initialized - start;
        return line.append(" start=").append(start).append(" jdk=").append(System.getProperty("java.runtime.version"))
                .append(" main=").append(mainMillis - start).append(" constructed=").append(at).append(" invoked=").append(at).append(',').append(at)
                .append(" classes=").append(ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount())
                .append(" response=initialized ").append(name).toString();
    }

    private static String oneLine(String s) {
        String flat = s.replace('\n', ' ').replace('\r', ' ');
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
