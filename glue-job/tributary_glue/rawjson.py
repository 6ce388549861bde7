"""The exact text of a JSON line's top-level members.

Spark's JSON functions (`from_json` into a map or struct of strings, `get_json_object`, `json_tuple`) hand a nested
object back as text by re-serialising it through Jackson's `copyCurrentStructure`, which writes every decimal number
as a double: `21.50` becomes `21.5`, `1e2` becomes `100.0` and `12345678901234567890.123` becomes
`1.2345678901234567E19`, digits lost (checked on Spark 3.5.4, the Glue 5.0 Spark). The curated `payload_json` column
promises the payload as the transformer wrote it, so it is cut out of the line instead: Python's own JSON scanner
finds where each member's value ends, and the value's text is returned untouched.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import List, Optional, Tuple

_WHITESPACE = re.compile(r"[ \t\n\r]*")   # JSON's four whitespace characters (RFC 8259, section 2)
_DECODER = json.JSONDecoder()


def members(line: Optional[str]) -> Optional[List[Tuple[str, str]]]:
    """The (name, value text) of each top-level member of `line`, in order; None unless `line` is exactly one JSON
    object (surrounding whitespace allowed)."""
    if line is None:
        return None
    try:
        at = _skip(line, 0)
        if line[at:at + 1] != "{":
            return None
        at = _skip(line, at + 1)
        found: List[Tuple[str, str]] = []
        if line[at:at + 1] == "}":
            at += 1
        else:
            while True:
                if line[at:at + 1] != '"':
                    return None
                name, at = scanstring(line, at + 1)
                at = _skip(line, at)
                if line[at:at + 1] != ":":
                    return None
                start = _skip(line, at + 1)
                _, end = _DECODER.raw_decode(line, start)
                found.append((name, line[start:end]))
                at = _skip(line, end)
                separator = line[at:at + 1]
                at = _skip(line, at + 1)
                if separator == "}":
                    break
                if separator != ",":
                    return None
        return found if _skip(line, at) == len(line) else None
    except (ValueError, RecursionError):   # json.JSONDecodeError is a ValueError; RecursionError: absurd nesting
        return None


def member_text(line: Optional[str], name: str) -> Optional[str]:
    """The value of top-level member `name` as Spark's map of text gives it (a JSON string decoded, JSON null as
    None), except that objects, arrays and numbers keep their exact text. Lines from the transformer never repeat a
    name (the processor rejects duplicate keys); in a hand-made line the last one wins."""
    found = members(line)
    if found is None:
        return None
    text = None
    for key, value in found:
        if key == name:
            text = value
    if text is None or text == "null":
        return None
    return json.loads(text) if text.startswith('"') else text


def _skip(line: str, at: int) -> int:
    return _WHITESPACE.match(line, at).end()
