package io.freshet.bench.coldstart;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A function's package: the shaded jar the build makes ({@code functions/<name>/target/<name>.jar}),
 * unpacked as {@code sam build} unpacks it; and, for the runner on amd64, DuckDB's JDBC jar with
 * this machine's native.
 */
record FunctionPackage(String function, Path jar, Path dir, Optional<Path> nativeJar) {

    /** Unpacks function {@code f}'s package from the repository at {@code root} under {@code work}, saying so on {@code out}. */
    static FunctionPackage unpack(Path root, String f, Path work, PrintWriter out) throws IOException {
        Path jar = root.resolve("functions").resolve(f).resolve("target").resolve(f + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the packages first (scripts/build-functions.sh)");
        }
        Path dir = work.resolve("packages").resolve(f);
        extract(jar, dir);
        if (!Files.isDirectory(dir.resolve("pipelines"))) {
            throw new IllegalStateException(jar + " has no pipelines/");
        }
        Optional<Path> nativeJar = Optional.empty();
        String arch = System.getProperty("os.arch");
        if (f.equals("runner") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            nativeJar = Optional.of(duckDbJar(root));
        }
        out.printf("%s: %s (%s, %.1f MB), unpacked%n", f, root.relativize(jar), Files.getLastModifiedTime(jar), Files.size(jar) / 1e6);
        return new FunctionPackage(f, jar, dir, nativeJar);
    }

    /** The class path of a measured run: DuckDB's native first (if any), the package and the probe in the layout given. */
    List<String> classPath(Variant.Layout layout, ProbeLauncher launcher) {
        List<String> cp = new ArrayList<>();
        nativeJar.ifPresent(n -> cp.add(n.toString()));
        cp.add(layout == Variant.Layout.DIR ? dir.toString() : jar.toString());
        cp.add(launcher.probe(layout).toString());
        return cp;
    }

    private static void extract(Path jar, Path dir) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the package: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
    }

    /** DuckDB's JDBC jar of the version the build uses, from the local Maven repository: it has the linux-amd64 native. */
    private static Path duckDbJar(Path root) throws IOException {
        Matcher m = Pattern.compile("<duckdb.version>([^<]+)</duckdb.version>").matcher(Files.readString(root.resolve("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("pom.xml names no duckdb.version");
        }
        String v = m.group(1).trim();
        Path jar = Path.of(System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository"))
                .resolve("org/duckdb/duckdb_jdbc").resolve(v).resolve("duckdb_jdbc-" + v + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the runner's package has DuckDB's linux-arm64 native only, and this machine needs linux-amd64");
        }
        return jar;
    }
}
