"""Runs one SQL query over the curated and aggregate Iceberg tables of a Glue Data Catalog database, the way Athena
would in AWS (the tool behind `tributary query`).

    python query.py --database DATABASE [--format table|csv|json] [--max-rows N] "SQL"

Tables are named as in the catalog (`curated_page_view`, `agg_page_view_performance`, ...), bare or qualified with
the database (`"<database>".curated_page_view`). pyiceberg finds each table the query names through the catalog (its
current snapshot's metadata) and scans it into Arrow; DuckDB runs the SQL over those Arrow tables. DuckDB's own
iceberg extension would read the files directly, but DuckDB downloads extensions at run time and this project's
machines cannot reach its extension site. Only the tables the query names are scanned (whole, without the query's
filters: fine for the demo's and an operator's local data, not for a production day; there, Athena).

Reads like curated_rows.py (AWS_ENDPOINT_URL points it at an emulator; credentials and region from the usual
AWS variables). Output: an aligned text table (default), CSV with a header, or one JSON object per row. Exit code 2
with a one-line message for a query error (unknown table, SQL syntax); 1 for anything else.
Runs under .tools/query-venv (glue-job/requirements-query.txt).
"""
from __future__ import annotations

import argparse
import csv
import datetime as _dt
import decimal
import json
import re
import sys
from typing import List, Sequence

import duckdb

from curated_rows import catalog

TABLE_PREFIXES = ("curated_", "agg_")


class QueryError(Exception):
    """A problem with the query itself (a table that does not exist, SQL DuckDB rejects)."""


def referenced_tables(sql: str, known: Sequence[str]) -> List[str]:
    """The catalog tables whose names occur in the query as a word (a name in a string literal or comment loads a table
    the query does not need: harmless, it only costs a scan; DuckDB's get_table_names binds USING joins and fails)."""
    return [t for t in known if re.search(r"(?<![A-Za-z0-9_])" + re.escape(t) + r"(?![A-Za-z0-9_])", sql)]


def run_query(glue, database: str, sql: str):
    """Runs `sql` with every referenced table of `database` loaded; returns (column names, rows)."""
    try:
        tables = sorted(t for _, t in glue.list_tables(database) if t.startswith(TABLE_PREFIXES))
    except Exception as err:  # noqa: BLE001  (pyiceberg raises its own NoSuchNamespaceError and boto3 errors)
        raise QueryError(f"cannot list the tables of database {database!r}: {_first_line(err)}") from err
    con = duckdb.connect()
    # Both `table` and `"<database>".table` resolve: a schema named after the database holds the same views.
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{_ident(database)}"')
    for table in referenced_tables(sql, tables):
        arrow = glue.load_table((database, table)).scan().to_arrow()
        con.register(f"_arrow_{table}", arrow)
        con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM "_arrow_{table}"')
        con.execute(f'CREATE VIEW "{_ident(database)}"."{table}" AS SELECT * FROM "_arrow_{table}"')
    try:
        result = con.execute(sql)
    except duckdb.CatalogException as err:
        raise QueryError(f"{_first_line(err)} (tables of {database}: {', '.join(tables) or 'none'})") from err
    except duckdb.Error as err:
        raise QueryError(_first_line(err)) from err
    columns = [d[0] for d in result.description] if result.description else []
    return columns, result.fetchall()


def _ident(name: str) -> str:
    return name.replace('"', '""')


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


def _text(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)          # exact: a decimal never goes through a float
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return value


def render(columns: List[str], rows: List[tuple], fmt: str, out) -> None:
    if fmt == "json":
        for row in rows:
            out.write(json.dumps({c: _json_value(v) for c, v in zip(columns, row)}, default=str) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else _text(v) for v in row] for row in rows])
    else:
        cells = [[_text(v) for v in row] for row in rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for row in cells:
            out.write("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() + "\n")
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--max-rows", type=int, default=0, help="print at most this many rows (0: all)")
    parser.add_argument("sql")
    args = parser.parse_args(argv)
    try:
        columns, rows = run_query(catalog(), args.database, args.sql)
    except QueryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    render(columns, rows[: args.max_rows] if args.max_rows else rows, args.format, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
