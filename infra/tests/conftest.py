import os
import re
import sys
from pathlib import Path
from typing import Dict, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

os.environ.setdefault("AWS_REGION", "us-east-1")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from cfn_template import CONTRACTS_PATH, TEMPLATE_PATH, load_template, sam_transform  # noqa: E402

# The template may be swapped for a deliberately broken copy (to prove a test can fail):
#   INFRA_TEMPLATE=/tmp/broken.yaml pytest infra/tests
TEMPLATE = Path(os.environ.get("INFRA_TEMPLATE", TEMPLATE_PATH))


@pytest.fixture(scope="session")
def template() -> Dict:
    return load_template(TEMPLATE)


@pytest.fixture(scope="session")
def transformed(template) -> Dict:
    return sam_transform(template)


def _section(markdown: str, heading: str) -> str:
    match = re.search(rf"^##+ {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"docs/contracts.md has no section '{heading}'"
    return match.group(1)


@pytest.fixture(scope="session")
def contracts() -> Dict:
    """The parts of docs/contracts.md the template must follow."""
    text = CONTRACTS_PATH.read_text(encoding="utf-8")
    functions: Dict[str, Dict] = {}
    for line in _section(text, "Lambda functions").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.fullmatch(r"[a-z][a-z0-9-]*", cells[0]) or cells[0] == "function":
            continue
        handler = re.search(r"`([^`]+::[^`]+)`", cells[1])
        assert handler, f"no handler in contracts row {line!r}"
        required, optional = cells[3], ""
        if " optional " in f" {cells[3]} ":
            required, optional = cells[3].split("optional", 1)
        functions[cells[0]] = {
            "handler": handler.group(1),
            "trigger": cells[2],
            "env_required": re.findall(r"`([A-Z][A-Z0-9_]+)`", required),
            "env_optional": re.findall(r"`([A-Z][A-Z0-9_]+)`", optional),
        }
    assert {"kinesis-processor", "s3-transformer", "glue-orchestrator"} <= set(functions), functions

    dynamodb = _section(text, "DynamoDB")
    gsi = re.search(r"hash key of GSI `([^`]+)` \(range key `([^`]+)`\)", dynamodb)
    metadata_hash = re.search(r"`([a-z_]+)` \(hash key\)", dynamodb)
    checkpoint_hash = re.search(r"Hash key `([a-z_]+)`", dynamodb)
    gsi_hash = re.search(r"\| `([a-z_]+)` \| S \| transformer: `yyyy-MM-ddTHH`", dynamodb)
    assert gsi and metadata_hash and checkpoint_hash and gsi_hash, "contracts.md DynamoDB section changed shape"

    transformer_trigger = functions["s3-transformer"]["trigger"]
    prefix = re.search(r"prefix `([^`]+)`", transformer_trigger)
    suffix = re.search(r"suffix `([^`]+)`", transformer_trigger)
    assert prefix and suffix, transformer_trigger

    layout: List[str] = []
    for cell in re.findall(r"^\| [a-z]+ \(`[A-Z_]+`\) \| ([^|]+) \|", _section(text, "S3 layout"), re.M):
        layout += re.findall(r"`([^`]+)`", cell)
    glue_args = re.findall(r"`(--[a-z_]+)`", _section(text, "Glue job arguments"))
    return {
        "functions": functions,
        "metadata_hash_key": metadata_hash.group(1),
        "gsi_name": gsi.group(1),
        "gsi_hash_key": gsi_hash.group(1),
        "gsi_range_key": gsi.group(2),
        "checkpoint_hash_key": checkpoint_hash.group(1),
        "raw_prefix": prefix.group(1),
        "raw_suffix": suffix.group(1),
        "s3_layout": layout,
        "glue_args": glue_args,
    }
