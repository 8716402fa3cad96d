"""shared.jsoncodec gives the standard library's bytes and values, orjson's speed."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from decimal import Decimal
from enum import IntEnum

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared import jsoncodec

STDLIB_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)

# Every character, lone surrogates included (orjson refuses them, the standard library writes
# them), and the ones JSON escapes.
TEXT = st.text(st.characters(codec=None, categories=None), max_size=12) | st.sampled_from(
    ["", "\x00\x1f\x7f", '"\\', "\u2028\u2029", "é😀", "\ud800", "1e-07", "0.00001"]
)
NUMBERS = (
    st.integers()  # beyond 64 bits too
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 1e-5, 9.99e-5, 1e-7, 1e16, 1e22, 5e-324, 2**63, 2**64, -(2**63)])
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=600)
@given(VALUES)
@example({"b": 1e-07, "a": ["x", None]})
@example({"amount": 123456789012345678901234567890})
def test_canonical_is_the_standard_librarys_bytes(value):
    try:
        expected = STDLIB_CANONICAL.encode(value).encode()
    except UnicodeEncodeError:
        # A lone surrogate cannot be UTF-8: both refuse it, as canonical() always did.
        with pytest.raises(UnicodeEncodeError):
            jsoncodec.canonical(value)
        return
    assert jsoncodec.canonical(value) == expected


@settings(max_examples=400)
@given(VALUES)
def test_dumps_reads_back_as_the_same_value(value):
    try:
        encoded = jsoncodec.dumps(value)
    except UnicodeEncodeError:
        return  # a lone surrogate: json.dumps(...).encode() refuses it as well
    assert json.loads(encoded) == value
    stdlib = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    if not any(isinstance(x, float) and 0 < abs(x) < 1e-4 for x in _leaves(value)):
        assert encoded == stdlib  # the same bytes but for small floats' notation


@settings(max_examples=400)
@given(VALUES, st.sampled_from([None, 1, 2]))
def test_loads_is_json_loads(value, indent):
    text = json.dumps(value, ensure_ascii=indent == 2, indent=indent)
    for data in (text, text.encode("utf-8", "surrogatepass")):
        assert _same(jsoncodec.loads(data), json.loads(data))


@given(st.binary(max_size=40) | st.text(max_size=20).map(str.encode))
def test_loads_fails_where_json_loads_fails_and_the_same_way(data):
    try:
        expected = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        with pytest.raises(type(error)) as raised:
            jsoncodec.loads(data)
        assert str(raised.value) == str(error)
    else:
        assert _same(jsoncodec.loads(data), expected)


def test_what_orjson_reads_otherwise_goes_to_the_standard_library():
    assert jsoncodec.loads(b'{"n": 123456789012345678901234567890}') == {
        "n": 123456789012345678901234567890
    }
    assert math.isnan(jsoncodec.loads(b'{"score": NaN}')["score"])  # refused field by field
    assert jsoncodec.loads('"\\ud800"') == "\ud800"
    assert jsoncodec.loads("[1]".encode("utf-16")) == [1]
    assert jsoncodec.loads(memoryview(b"[1]")) == [1]


def test_types_json_has_not_are_written_as_the_standard_library_writes_them():
    class Level(IntEnum):
        HIGH = 3

    assert jsoncodec.dumps({"a": Decimal("1.50"), "b": Level.HIGH}) == b'{"a":"1.50","b":3}'
    assert jsoncodec.canonical(OrderedDict([("b", 1), ("a", 2)])) == b'{"a":2,"b":1}'
    with pytest.raises(TypeError):
        jsoncodec.canonical({"when": Decimal("1")})
    with pytest.raises(TypeError):
        jsoncodec.canonical({1: "x", "a": "y"})  # sort_keys cannot order int and str


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _same(a, b) -> bool:
    """Equal, with the type of every number (1 is not 1.0 here) and -0.0 told from 0.0."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    return type(a) is type(b) and a == b
