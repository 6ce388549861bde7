"""Small helpers for reading infra/template.yaml in tests: a YAML loader that understands CloudFormation's short
tags (!Ref, !Sub, !GetAtt, ...), the SAM transform run offline, and reference extraction for dependency checks."""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import yaml

INFRA_DIR = Path(__file__).resolve().parents[1]
ROOT_DIR = INFRA_DIR.parent
TEMPLATE_PATH = INFRA_DIR / "template.yaml"
CONTRACTS_PATH = ROOT_DIR / "docs" / "contracts.md"

_SHORT_TAGS = [
    "Ref", "Condition",
    "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub", "Transform",
    "And", "Equals", "If", "Not", "Or", "GetAtt", "ToJsonString", "Length",
]


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader + CloudFormation short-form intrinsic functions, turned into their long (JSON) form."""


def _construct(tag: str):
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if tag == "Ref":
            return {"Ref": value}
        if tag == "Condition":
            return {"Condition": value}
        if tag == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {f"Fn::{tag}": value}

    return construct


for _tag in _SHORT_TAGS:
    _CfnLoader.add_constructor(f"!{_tag}", _construct(_tag))


def load_template(path: Path = TEMPLATE_PATH) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def sam_transform(template: Dict[str, Any], region: str = "us-east-1") -> Dict[str, Any]:
    """The CloudFormation template SAM produces, computed offline (no AWS calls): local CodeUris are replaced by a
    fake S3 location as `sam validate` does (functions' CodeUri and layers' ContentUri), and no managed policy names
    need resolving."""
    from boto3.session import Session
    from samtranslator.parser import parser
    from samtranslator.translator.translator import Translator

    sam_template = copy.deepcopy(template)
    for resource in sam_template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://bucket/key"
        elif resource.get("Type") == "AWS::Serverless::LayerVersion":
            resource["Properties"]["ContentUri"] = "s3://bucket/layer-key"
    session = Session(region_name=region, aws_access_key_id="test", aws_secret_access_key="test")
    translator = Translator(managed_policy_map=None, sam_parser=parser.Parser(), plugins=[], boto_session=session)
    return translator.translate(sam_template=sam_template, parameter_values={}, get_managed_policy_map=lambda: {})


def resources_of_type(template: Dict[str, Any], resource_type: str) -> Iterator[Tuple[str, Dict[str, Any]]]:
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") == resource_type:
            yield logical_id, resource


_SUB_VARIABLE = re.compile(r"\$\{(?!!)([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def referenced_ids(node: Any) -> Set[str]:
    """Logical ids (and parameter names) a template fragment refers to through Ref, GetAtt or Sub."""
    found: Set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value.split(".", 1)[0])
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                found.add(target)
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else (value[0], value[1])
                names = set(_SUB_VARIABLE.findall(text)) - set(variables)
                found |= names
                found |= referenced_ids(variables)
            else:
                found |= referenced_ids(value)
    elif isinstance(node, list):
        for item in node:
            found |= referenced_ids(item)
    return found


def dependency_graph(template: Dict[str, Any]) -> Dict[str, Set[str]]:
    resources = template.get("Resources", {})
    graph: Dict[str, Set[str]] = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        depends_on = [depends_on] if isinstance(depends_on, str) else list(depends_on)
        edges = referenced_ids(resource.get("Properties", {})) | set(depends_on)
        graph[logical_id] = {target for target in edges if target in resources}
    return graph


def find_cycle(graph: Dict[str, Set[str]]) -> List[str]:
    """One dependency cycle as a list of logical ids, or [] when the graph is acyclic."""
    state: Dict[str, int] = {}
    stack: List[str] = []

    def visit(node: str) -> List[str]:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if state.get(target) is None:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if state.get(node) is None:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def iam_statements(template: Dict[str, Any]) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """Every statement of every identity policy (inline role policies, AWS::IAM::Policy, AWS::IAM::ManagedPolicy)."""
    for logical_id, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        documents: List[Dict[str, Any]] = []
        if resource.get("Type") == "AWS::IAM::Role":
            documents += [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        elif resource.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append(properties["PolicyDocument"])
        for document in documents:
            statements = document.get("Statement", [])
            for statement in statements if isinstance(statements, list) else [statements]:
                yield logical_id, statement


def as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else [value]
