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
from typing import Iterator, List, Optional, Tuple

_WHITESPACE = re.compile(r"[ \t\n\r]*")   # JSON's four whitespace characters (RFC 8259, section 2)
_DECODER = json.JSONDecoder()


def members(line: Optional[str]) -> Optional[List[Tuple[str, str]]]:
    """The (name, value text) of each top-level member of `line`, in order; None unless `line` is exactly one JSON
    object (surrounding whitespace allowed)."""
    found: List[Tuple[str, str]] = []
    try:
        for name, start, end in _scan(line, complete=True):
            found.append((name, line[start:end]))
    except _NotAnObject:
        return None
    return found


def member_text(line: Optional[str], name: str) -> Optional[str]:
    """The value of top-level member `name` as Spark's map of text gives it (a JSON string decoded, JSON null as
    None), except that objects, arrays and numbers keep their exact text. The scan stops at the member: lines from the
    transformer never repeat a name (the processor rejects duplicate keys), and whether the rest of the line is valid
    JSON is the caller's check (the job marks a line Spark cannot parse malformed)."""
    try:
        for key, start, end in _scan(line, complete=False):
            if key == name:
                text = line[start:end]
                if text == "null":
                    return None
                return json.loads(text) if text.startswith('"') else text
    except _NotAnObject:
        return None
    return None


class _NotAnObject(Exception):
    pass


def _scan(line: Optional[str], complete: bool) -> Iterator[Tuple[str, int, int]]:
    """Yields (name, start, end) of each top-level member's value; raises _NotAnObject where the text stops being
    one JSON object (with `complete`, also for anything after its closing brace)."""
    if line is None:
        raise _NotAnObject()
    try:
        at = _skip(line, 0)
        if line[at:at + 1] != "{":
            raise _NotAnObject()
        at = _skip(line, at + 1)
        if line[at:at + 1] == "}":
            at += 1
        else:
            while True:
                if line[at:at + 1] != '"':
                    raise _NotAnObject()
                name, at = scanstring(line, at + 1)
                at = _skip(line, at)
                if line[at:at + 1] != ":":
                    raise _NotAnObject()
                start = _skip(line, at + 1)
                _, end = _DECODER.raw_decode(line, start)
                yield name, start, end
                at = _skip(line, end)
                separator = line[at:at + 1]
                at = _skip(line, at + 1)
                if separator == "}":
                    break
                if separator != ",":
                    raise _NotAnObject()
    except (ValueError, RecursionError) as e:   # JSONDecodeError is a ValueError; RecursionError: absurd nesting
        raise _NotAnObject() from e
    if complete and _skip(line, at) != len(line):
        raise _NotAnObject()


def _skip(line: str, at: int) -> int:
    return _WHITESPACE.match(line, at).end()
