"""The template's Iceberg tables (infra/template.yaml) declare exactly the job's schemas and partitioning."""
from __future__ import annotations

from pathlib import Path

import yaml

from tributary_glue import schemas, tables

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub, ...) as plain values."""


def _any_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_CfnLoader.add_multi_constructor("!", _any_tag)


def _iceberg_tables():
    resources = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)["Resources"]
    return {r["Properties"]["TableInput"]["Name"]: r["Properties"]["TableInput"] for r in resources.values()
            if r["Type"] == "AWS::Glue::Table" and "OpenTableFormatInput" in r["Properties"]}


def test_template_tables_match_the_jobs_schemas():
    declared = _iceberg_tables()
    expected = {tables.curated_table_name(t): (tables.curated_table_schema(t), ["dt"])
                for t in schemas.PAYLOAD_COLUMNS}
    expected.update({tables.aggregate_table_name(n): (tables.aggregate_table_schema(n), schemas.AGGREGATES[n][1])
                     for n in schemas.AGGREGATES})
    assert sorted(declared) == sorted(expected)
    for name, (schema, partitions) in expected.items():
        table = declared[name]
        assert [k["Name"] for k in table["PartitionKeys"]] == partitions, name
        columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
        assert columns == [(f.name, f.dataType.simpleString()) for f in schema.fields if f.name not in partitions], name
