"""Lists every distinct string value in the curated Iceberg tables of a Glue Data Catalog database (columns, and
fields of structs, maps and lists), one JSON string per line, for the test that no personal data reached curated
output (cli CliIT, PersonalDataScan).

    python curated_values.py DATABASE OUTPUT_FILE

Reads like curated_rows.py (pyiceberg through the catalog, not the job's code or engine). Prints the number of
distinct strings on stdout. Runs under .tools/iceberg-venv (glue-job/requirements-iceberg.txt).
"""
import json
import sys

from curated_rows import catalog


def strings(value, found):
    if value is None:
        return
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            strings(key, found)
            strings(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            strings(item, found)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    database, output = argv[1], argv[2]
    glue = catalog()
    found = set()
    for _, table in sorted(glue.list_tables(database)):
        if table.startswith("curated_"):
            for row in glue.load_table((database, table)).scan().to_arrow().to_pylist():
                strings(row, found)
    with open(output, "w", encoding="utf-8") as out:
        for value in sorted(found):
            out.write(json.dumps(value) + "\n")
    print(len(found))


if __name__ == "__main__":
    main(sys.argv)
