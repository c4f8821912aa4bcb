"""An independent reader of one Freshet lake table: the Python DuckDB and its iceberg extension, no Freshet code.

Reads the table the way docs/reading.md tells a DuckDB user to: no catalog, iceberg_scan of a
table metadata file in S3 (the `metadata_location` of an asset event), with the S3 credentials and
endpoint in a DuckDB secret. The extensions come from PyPI packages (duckdb-extension-iceberg,
-httpfs, -avro of DuckDB's own version) and are loaded from their files with autoinstall and
autoload off, so this never downloads anything. Prints one JSON object: rows per partition, every
row, one partition's rows (a filter on the partition column, a DATE), the table's snapshots, the previous
snapshot's rows by snapshot id, and the rows of the earlier metadata file.
Usage: read_duckdb.py '<json arguments>'.
"""
import datetime
import decimal
import importlib
import json
import pathlib
import sys
import tempfile

import duckdb


def plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def connect():
    # An empty extension directory and no autoinstall: an extension that is not in the venv fails
    # the load instead of being fetched from the network.
    con = duckdb.connect(config={
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "extension_directory": tempfile.mkdtemp(prefix="duckdb-extensions-"),
    })
    for name in ("httpfs", "avro", "iceberg"):
        package = importlib.import_module("duckdb_extension_" + name)
        found = sorted(pathlib.Path(package.__path__[0]).glob("extensions/*/" + name + ".duckdb_extension"))
        if not found:
            raise SystemExit("no " + name + ".duckdb_extension in " + package.__path__[0])
        con.execute("LOAD " + literal(str(found[0])))
    return con


def rows(con, sql, params, order):
    relation = con.execute(sql + " ORDER BY " + ", ".join(order), params)
    names = [d[0] for d in relation.description]
    return [{n: plain(v) for n, v in zip(names, row)} for row in relation.fetchall()]


def main():
    args = json.loads(sys.argv[1])
    con = connect()
    # CREATE SECRET takes literals, not parameters.
    con.execute(
        f"CREATE SECRET lake (TYPE s3, KEY_ID {literal(args['s3_access_key_id'])}, "
        f"SECRET {literal(args['s3_secret_access_key'])}, REGION {literal(args['s3_region'])}, "
        f"ENDPOINT {literal(args['s3_endpoint'])}, URL_STYLE 'path', USE_SSL false)")
    current = args["metadata_location"]
    column = args["partition_column"]
    order = args["order"]
    scan = "SELECT * FROM iceberg_scan($metadata)"
    out = {
        "version": duckdb.__version__,
        "extensions": sorted(r[0] for r in con.execute(
            "SELECT extension_name FROM duckdb_extensions() WHERE loaded AND install_path NOT LIKE '(BUILT-IN)'").fetchall()),
        "counts": {plain(k): v for k, v in con.execute(
            f'SELECT "{column}", count(*) FROM iceberg_scan($metadata) GROUP BY ALL ORDER BY 1',
            {"metadata": current}).fetchall()},
        "rows": rows(con, scan, {"metadata": current}, order),
        "partition_rows": rows(con, f'{scan} WHERE "{column}" = CAST($value AS DATE)',
                               {"metadata": current, "value": args["partition_value"]}, order),
        "snapshots": [r[0] for r in con.execute(
            "SELECT snapshot_id, sequence_number, timestamp_ms FROM iceberg_snapshots($metadata) ORDER BY sequence_number",
            {"metadata": current}).fetchall()],
        "previous_rows": rows(con, "SELECT * FROM iceberg_scan($metadata, snapshot_from_id = $snapshot)",
                              {"metadata": current, "snapshot": args["previous_snapshot"]}, order),
        "previous_metadata_rows": rows(con, scan, {"metadata": args["previous_metadata_location"]}, order),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
