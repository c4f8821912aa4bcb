"""An independent reader of one Freshet lake table: pyiceberg only, no Freshet code.

Reads the table through pyiceberg's SQL catalog (the same PostgreSQL tables Iceberg's Java
JdbcCatalog writes) and its files from S3, and prints what it found as one JSON object: the
current snapshot's rows, the rows of one partition (a partition filter) and the files planned for
it, and the rows of the previous snapshot (time travel). Usage: read_table.py '<json arguments>'.
"""
import datetime
import decimal
import json
import sys

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo


def plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def rows(scan, order):
    table = scan.to_arrow().sort_by([(column, "ascending") for column in order])
    return [{k: plain(v) for k, v in row.items()} for row in table.to_pylist()]


def main():
    args = json.loads(sys.argv[1])
    catalog = SqlCatalog(
        args["catalog"],
        uri=args["uri"],
        warehouse=args["warehouse"],
        **{
            "s3.endpoint": args["s3_endpoint"],
            "s3.access-key-id": args["s3_access_key_id"],
            "s3.secret-access-key": args["s3_secret_access_key"],
            "s3.region": args["s3_region"],
            "s3.force-virtual-addressing": "false",
        },
    )
    table = catalog.load_table(args["table"])
    order = args["order"]
    partition = EqualTo(args["partition_column"], args["partition_value"])
    current = table.current_snapshot()
    previous = current.parent_snapshot_id
    out = {
        "format_version": table.metadata.format_version,
        "snapshot_id": current.snapshot_id,
        "run_id": current.summary["freshet.run-id"],
        "attempt": current.summary["freshet.attempt"],
        "rows": rows(table.scan(), order),
        "partition_rows": rows(table.scan(row_filter=partition), order),
        "partition_files": len(list(table.scan(row_filter=partition).plan_files())),
        "previous_snapshot_id": previous,
        "previous_rows": rows(table.scan(snapshot_id=previous), order),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
