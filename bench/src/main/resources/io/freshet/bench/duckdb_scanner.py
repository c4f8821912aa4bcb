"""DuckDB's postgres_scanner reading one table to zstd Parquet: the peer `bench snapshot` measures.

Arguments: a libpq connection string, the table (schema and name, quoted), the Parquet file, DuckDB's threads. The
extension comes from the PyPI package duckdb-extension-postgres-scanner (same version as duckdb),
loaded from the venv by path: no autoinstall, an empty extension directory, nothing downloaded.
Prints one line: rows, seconds of the COPY alone, peak RSS of this process in bytes, CPU seconds of
the COPY (all of this process's threads), then seconds and CPU seconds of the whole read: DuckDB's
start, the ATTACH (its connection to PostgreSQL), the COPY and the close, as Freshet's snapshot
starts its DuckDB, connects, copies and closes in the time the benchmark gives it. The extension's
LOAD (80-100 ms, a shared library opened) is left out of both, as the JVM's one load of DuckDB's
library is left out of Freshet's rounds after the first.

The peak RSS is /proc/self/status's VmHWM, this process's own memory. getrusage's ru_maxrss is not:
Linux keeps it across exec, so a process the benchmark's JVM started reports at least the JVM's own
peak at that moment (measured: 905 MB for a Python whose VmHWM was 14 MB, started by a 900 MB JVM).
ru_maxrss is the fallback where there is no /proc.
"""
import importlib
import pathlib
import resource
import sys
import tempfile
import time


def main():
    import duckdb  # here, so that peak_rss can be checked without DuckDB installed

    dsn, table, out, threads = sys.argv[1:5]
    # the extension's file found before the clock: the read is timed from DuckDB's start
    package = importlib.import_module("duckdb_extension_postgres_scanner")
    found = sorted(pathlib.Path(package.__path__[0]).glob("extensions/*/postgres_scanner.duckdb_extension"))
    if not found:
        raise SystemExit("no postgres_scanner.duckdb_extension in " + package.__path__[0])
    extensions = tempfile.mkdtemp(prefix="duckdb-extensions-")
    read_started = time.perf_counter()
    read_cpu = time.process_time()
    con = duckdb.connect(config={
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "extension_directory": extensions,
        "threads": int(threads),
    })
    load_started = time.perf_counter()
    load_cpu = time.process_time()
    con.execute("LOAD '" + str(found[-1]) + "'")
    load_seconds = time.perf_counter() - load_started
    load_cpu = time.process_time() - load_cpu
    con.execute("ATTACH '" + dsn.replace("'", "''") + "' AS pg (TYPE postgres, READ_ONLY)")
    started = time.perf_counter()
    cpu = time.process_time()
    rows = con.execute("COPY (SELECT * FROM pg." + table + ") TO '" + out.replace("'", "''")
                       + "' (FORMAT parquet, COMPRESSION zstd)").fetchone()[0]
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    con.close()
    read_seconds = time.perf_counter() - read_started - load_seconds
    read_cpu = time.process_time() - read_cpu - load_cpu
    print(rows, seconds, peak_rss(), cpu, read_seconds, read_cpu)


def peak_rss():
    """This process's peak resident set in bytes (see the module's comment)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss if sys.platform == "darwin" else maxrss * 1024  # bytes on macOS, kB elsewhere


if __name__ == "__main__":
    main()
