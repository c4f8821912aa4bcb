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
SHAPE = """
SELECT g::BIGINT AS id, (g * 7919 % 100000)::INT AS qty, (g % 300)::SMALLINT AS flags,
  ((g * 31 % 10000000) / 100.0)::DECIMAL(12,2) AS price, ((g * 17 % 1000000000) / 1000000.0)::DECIMAL(18,6) AS rate,
  CASE WHEN g % 7 = 0 THEN NULL ELSE ((g * 13 % 100000000000) / 1000.0)::VARCHAR END AS total,
  ((g % 1000) / 7.0)::REAL AS ratio, (g / 3.0)::DOUBLE AS score, g % 2 = 0 AS active,
  'customer ' || (g % 100000) AS name, 'city-' || (g % 500) AS city,
  CASE WHEN g % 5 = 0 THEN NULL ELSE repeat(md5(g::VARCHAR), 1 + (g % 3)::INT) END AS note,
  DATE '2020-01-01' + (g % 2000)::INT AS day,
  TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_seconds(g) AS created, TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds(2 * g) AS updated,
  CASE WHEN g % 4 = 0 THEN NULL ELSE TIMESTAMPTZ '2022-01-01 00:00:00+00' + to_seconds(3 * g) END AS shipped,
  TIMESTAMP '2020-01-01' + to_seconds(g) AS local_at,
  ('{"k": ' || (g % 100) || ', "ok": ' || (g % 2 = 0) || ', "tag": "v' || (g % 7) || '"}')::JSON AS attrs,
  md5(g::VARCHAR)::UUID AS ref, md5((g + 1)::VARCHAR)::UUID AS parent,
  [(g % 10)::INT, (g % 100)::INT, (g % 1000)::INT] AS tags_n, ['a' || (g % 3), 'b' || (g % 5)] AS tags
FROM range(1, {rows} + 1) t(g)
"""
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
