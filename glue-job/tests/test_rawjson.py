"""rawjson: the exact text of a line's members (no Spark: pure functions)."""
from __future__ import annotations

from tributary_glue import rawjson


def test_members_keep_each_values_text_exactly():
    line = ' {"a" : 21.50, "b":{"x":[1e2, -0.0, 12345678901234567890.123]},"c":"t\\u00e9\\"q","d":null,"e":true} '
    assert rawjson.members(line) == [("a", "21.50"), ("b", '{"x":[1e2, -0.0, 12345678901234567890.123]}'),
                                     ("c", '"t\\u00e9\\"q"'), ("d", "null"), ("e", "true")]


def test_member_text_decodes_strings_and_null_like_sparks_map_of_text():
    line = '{"payload":"plain \\u00e9","n":null}'
    assert rawjson.member_text(line, "payload") == "plain é"
    assert rawjson.member_text(line, "n") is None
    assert rawjson.member_text(line, "missing") is None
    assert rawjson.member_text('{"payload":{"v":2.50},"payload":{"v":1}}', "payload") == '{"v":2.50}'


def test_anything_but_one_json_object_gives_none():
    for line in [None, "", "[]", '"text"', '{"a":1', '{"a":1} {"b":2}', '{"a":1,}', '{a:1}', '{"a" 1}',
                 '{"a":01}', '{"a":1 "b":2}']:
        assert rawjson.members(line) is None, line
    assert rawjson.members("{}") == [] and rawjson.members(" { } ") == []
