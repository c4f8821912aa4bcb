"""An independent reader of every table of a Freshet namespace: pyiceberg only, no Freshet code.

Lists the namespace's tables through pyiceberg's SQL catalog (the PostgreSQL tables Iceberg's
Java JdbcCatalog writes), reads each from S3 and prints one JSON object: per table, its current
snapshot, its rows per partition (grouped by the partition column the table's spec names), the
rows a partition filter returns for each partition, and the rows per partition of every snapshot
asked for (time travel). Usage: read_demo_tables.py '<json arguments>'.
"""
import datetime
import json
import sys
from collections import Counter

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo


def plain(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def counts(table, column, snapshot_id=None):
    scan = table.scan(snapshot_id=snapshot_id) if snapshot_id else table.scan()
    arrow = scan.to_arrow()
    if column is None:
        return {"": arrow.num_rows}
    return dict(Counter(plain(v) for v in arrow.column(column).to_pylist()))


def main():
    args = json.loads(sys.argv[1])
    catalog = SqlCatalog(
        args["catalog"],
        uri=args["uri"],
        warehouse=args["warehouse"],
        **{
            "s3.endpoint": args["s3_endpoint"],
            "s3.access-key-id": "local",
            "s3.secret-access-key": "local",
            "s3.region": args["s3_region"],
            "s3.force-virtual-addressing": "false",
        },
    )
    out = {}
    for identifier in catalog.list_tables(args["namespace"]):
        name = ".".join(identifier)
        table = catalog.load_table(identifier)
        fields = table.spec().fields
        column = table.schema().find_field(fields[0].source_id).name if fields else None
        current = table.current_snapshot()
        per_partition = counts(table, column)
        filtered = {}
        if column is not None:
            for value in per_partition:
                typed = table.schema().find_field(column).field_type
                literal = datetime.date.fromisoformat(value) if str(typed) == "date" else value
                filtered[value] = table.scan(row_filter=EqualTo(column, literal)).to_arrow().num_rows
        snapshots = {}
        for snapshot_id in args["snapshots"].get(name, []):
            snapshots[str(snapshot_id)] = counts(table, column, int(snapshot_id))
        out[name] = {
            "format_version": table.metadata.format_version,
            "partition_column": column,
            "snapshot_id": str(current.snapshot_id),
            "snapshot_count": len(table.metadata.snapshots),
            "rows": per_partition,
            "filtered": filtered,
            "snapshots": snapshots,
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
