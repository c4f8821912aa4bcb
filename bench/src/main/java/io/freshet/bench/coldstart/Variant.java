package io.freshet.bench.coldstart;

/** What a measured run changes, one thing each: the JVM flags, the class path's layout, priming. */
enum Variant {
    TEMPLATE("template", Layout.DIR, "template.yaml's JAVA_TOOL_OPTIONS, the package unpacked as Lambda runs it (/var/task), no priming"),
    FULL_JIT("full-jit", Layout.DIR, "as template without -XX:+TieredCompilation -XX:TieredStopAtLevel=1: the JVM's default JIT"),
    PRIMED("primed", Layout.DIR, "as template, with the handler's priming in its Lambda constructor (what SnapStart would snapshot)"),
    JAR("jar", Layout.JAR, "as template, the shaded jar itself on the class path instead of its unpacked directory"),
    APPCDS("appcds", Layout.JAR, "as jar, with -XX:SharedArchiveFile of a dynamic archive from a training run (-XX:ArchiveClassesAtExit)"),
    COPIED_NATIVE("copied-native", Layout.DIR, "as template, DuckDB's native as the driver's class path resource, which it copies to /tmp "
            + "at every start (the runner's package before issue 15; since, it loads lib/libduckdb_java.so in place)"),
    AOT_CACHE("aot-cache", Layout.JAR, "as jar, with a JDK 25 AOT cache from a training run (-XX:AOTCacheOutput, then -XX:AOTCache)");

    /** The package on the class path: unpacked as {@code sam build} unpacks it, or the jar itself. */
    enum Layout { DIR, JAR }

    final String label;
    final Layout layout;
    final String description;

    Variant(String label, Layout layout, String description) {
        this.label = label;
        this.layout = layout;
        this.description = description;
    }
}
