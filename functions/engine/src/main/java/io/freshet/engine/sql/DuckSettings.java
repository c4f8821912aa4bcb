package io.freshet.engine.sql;

import java.nio.file.Path;

/**
 * How DuckDB may use the machine. Set explicitly, because DuckDB's defaults write under $HOME,
 * which a Lambda function cannot: the work directory holds its temp (spill), home and extension
 * directories.
 *
 * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 1GB}; beyond it, operators spill to {@code workDir/tmp}
 * @param threads     DuckDB worker threads
 */
public record DuckSettings(Path workDir, String memoryLimit, int threads) {

    public static DuckSettings defaults(Path workDir) {
        return new DuckSettings(workDir, "1GB", Math.max(1, Runtime.getRuntime().availableProcessors()));
    }
}
