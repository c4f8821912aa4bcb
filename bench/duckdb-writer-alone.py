"""DuckDB's Parquet writer by itself, with no reader in the loop (docs/performance.md, "The writer alone").

Builds, in an in-memory DuckDB, a table shaped as `bench snapshot`'s 22-column one (the types as
Freshet's files hold them), then writes it to Parquet on one thread, the fastest of three passes
in CPU seconds per row: the whole table by codec, then each column beside `id` alone.

    python3 -m venv /tmp/duckdb-2.0.1 && /tmp/duckdb-2.0.1/bin/pip install duckdb==2.0.1
    /tmp/duckdb-2.0.1/bin/python bench/duckdb-writer-alone.py [rows]
"""
import os
import sys
import tempfile
import time

import duckdb

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
SHAPE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "writer-shapes", "wide.sql")).read()
FRESHET = "ROW_GROUP_SIZE 30720, DICTIONARY_SIZE_LIMIT 1024"  # DuckDbParquet's, but for ROW_GROUP_SIZE_BYTES


def main():
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("CREATE TABLE w AS " + SHAPE.replace("{rows}", str(ROWS)))
    out = os.path.join(tempfile.mkdtemp(), "w.parquet")

    def cpu_per_row(select, options):
        best = float("inf")
        for _ in range(3):
            c0 = time.process_time()
            con.execute(f"COPY (SELECT {select} FROM w) TO '{out}' (FORMAT parquet, {options})")
            best = min(best, time.process_time() - c0)
        return best / ROWS * 1e6

    print(f"DuckDB {duckdb.__version__}, {ROWS:,} rows, one thread, us of CPU a row (the fastest of three)")
    for codec in ("UNCOMPRESSED", "SNAPPY", "LZ4", "ZSTD, COMPRESSION_LEVEL 1"):
        print(f"  whole table, {codec:26s} {cpu_per_row('*', 'COMPRESSION ' + codec):.2f}")
    print(f"  whole table, zstd 1, Freshet's row groups and dictionary limit {cpu_per_row('*', 'COMPRESSION ZSTD, COMPRESSION_LEVEL 1, ' + FRESHET):.2f}")
    alone = cpu_per_row("id", "COMPRESSION ZSTD, COMPRESSION_LEVEL 1")
    print(f"  id alone {alone:.3f}; each column beside it:")
    for (column,) in con.execute("SELECT column_name FROM (DESCRIBE w) WHERE column_name <> 'id'").fetchall():
        print(f"    {column:10s} {cpu_per_row('id, ' + column, 'COMPRESSION ZSTD, COMPRESSION_LEVEL 1') - alone:.3f}")


if __name__ == "__main__":
    main()
