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
 * unpacked as {@code sam build} unpacks it. The runner's ships DuckDB's linux-arm64 native as
 * {@value #LIB_NATIVE}; on another machine this machine's native (from DuckDB's JDBC jar in the
 * local Maven repository) takes its place. {@code driverResource} holds the same native under the
 * name of the driver's own resource, for the {@link Variant#COPIED_NATIVE} variant.
 *
 * @param firstOnClassPath what goes before the package on the class path (a package of the layout
 *                         before issue 15 on amd64: this machine's native as the driver's resource)
 */
record FunctionPackage(String function, Path jar, Path dir, List<Path> firstOnClassPath, Optional<Path> driverResource) {

    /** Where the runner's package ships DuckDB's native: Lambda's LD_LIBRARY_PATH holds /var/task/lib. */
    static final String LIB_NATIVE = "lib/libduckdb_java.so";

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
        out.printf("%s: %s (%s, %.1f MB), unpacked%n", f, root.relativize(jar), Files.getLastModifiedTime(jar), Files.size(jar) / 1e6);
        if (!f.equals("runner")) {
            return new FunctionPackage(f, jar, dir, List.of(), Optional.empty());
        }
        String resource = driverResourceName();
        Path resourceDir = work.resolve("natives");
        Files.createDirectories(resourceDir);
        Path lib = dir.resolve(LIB_NATIVE);
        if (Files.isRegularFile(lib)) {
            if (!resource.endsWith("_arm64")) { // the package's is Lambda's (template.yaml: arm64)
                Files.delete(lib);
                extractEntry(duckDbJar(root), resource, lib);
                out.printf("runner: this machine's DuckDB native (%s) replaces the package's %s%n", resource, LIB_NATIVE);
            }
            Files.copy(lib, resourceDir.resolve(resource));
            return new FunctionPackage(f, jar, dir, List.of(), Optional.of(resourceDir));
        }
        if (Files.isRegularFile(dir.resolve(resource))) {
            return new FunctionPackage(f, jar, dir, List.of(), Optional.empty());
        }
        // A package of the layout before issue 15 built for another machine: this machine's native as the driver's resource, a file as in /var/task.
        extractEntry(duckDbJar(root), resource, resourceDir.resolve(resource));
        out.printf("runner: %s (this machine's DuckDB native) is first on its class path%n", resourceDir.resolve(resource));
        return new FunctionPackage(f, jar, dir, List.of(resourceDir), Optional.empty());
    }

    /** The class path of a measured run of {@code variant}: what goes first (if anything), the package and the probe in the variant's layout. */
    List<String> classPath(Variant variant, ProbeLauncher launcher) {
        List<String> cp = new ArrayList<>();
        firstOnClassPath.forEach(p -> cp.add(p.toString()));
        if (variant == Variant.COPIED_NATIVE) {
            cp.add(driverResource.orElseThrow().toString());
        }
        cp.add(variant.layout == Variant.Layout.DIR ? dir.toString() : jar.toString());
        cp.add(launcher.probe(variant.layout).toString());
        return cp;
    }

    /** Lambda's LD_LIBRARY_PATH (its documented value), with this package in place of /var/task. */
    String lambdaLibraryPath() {
        return "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:" + dir + ":" + dir.resolve("lib") + ":/opt/lib";
    }

    /** The name DuckDB's driver looks for its native under on this machine (DuckDBNative.nativeLibName, Linux). */
    static String driverResourceName() {
        String arch = System.getProperty("os.arch");
        return "libduckdb_java.so_linux_" + (arch.equals("x86_64") || arch.equals("amd64") ? "amd64" : "arm64");
    }

    private static void extractEntry(Path zipFile, String entry, Path target) throws IOException {
        try (ZipFile zip = new ZipFile(zipFile.toFile()); InputStream in = zip.getInputStream(zip.getEntry(entry))) {
            Files.createDirectories(target.getParent());
            Files.copy(in, target);
        }
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

    /** DuckDB's JDBC jar of the version the build uses, from the local Maven repository: it has every machine's native. */
    private static Path duckDbJar(Path root) throws IOException {
        Matcher m = Pattern.compile("<duckdb.version>([^<]+)</duckdb.version>").matcher(Files.readString(root.resolve("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("pom.xml names no duckdb.version");
        }
        String v = m.group(1).trim();
        Path jar = Path.of(System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository"))
                .resolve("org/duckdb/duckdb_jdbc").resolve(v).resolve("duckdb_jdbc-" + v + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the runner's package has DuckDB's linux-arm64 native only, and this machine needs "
                    + driverResourceName());
        }
        return jar;
    }
}
