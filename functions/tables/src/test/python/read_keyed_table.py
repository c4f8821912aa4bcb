"""An independent reader of a Freshet lake table with a dynamic key: pyiceberg only, no Freshet code.

Reads the table through pyiceberg's SQL catalog and prints one JSON object: the partition spec's
fields (source column and transform), every row of the current snapshot, the rows of one key (a
filter on the key column) with the files planned for it, and each data file's partition.
Usage: read_keyed_table.py '<json arguments>'.
"""
import datetime
import json
import sys

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import And, EqualTo


def plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
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
    schema = table.schema()
    order = args["order"]
    key = And(EqualTo(args["partition_column"], args["partition_value"]), EqualTo(args["key_column"], args["key_value"]))
    spec = [{"column": schema.find_column_name(f.source_id), "transform": str(f.transform)} for f in table.spec().fields]
    files = [{k: plain(v) for k, v in zip([f.name for f in table.spec().fields], task.file.partition)}
             for task in table.scan().plan_files()]
    out = {
        "spec": spec,
        "rows": rows(table.scan(), order),
        "key_rows": rows(table.scan(row_filter=key), order),
        "key_files": len(list(table.scan(row_filter=key).plan_files())),
        "file_partitions": sorted(files, key=lambda f: json.dumps(f, sort_keys=True)),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
