"""JSON on the hot paths: orjson's speed, the standard library's bytes.

Every decision is decoded once and encoded three or four times (its chain entry, its row, the
events that announce it): with the standard library that was about a seventh of decision_log's
CPU (py-spy, docs/benchmark.md). orjson does the same in C, several times faster. Where its
output could differ from what `json` writes — and so from what `explicite verify` and the
standalone verifier under tools/ rebuild with the standard library alone — this module hands
the value to `json`:

- floats below 1e-4 in magnitude: `float.__repr__` writes "1e-07", orjson "1e-7" or
  "0.00001" (found by the property tests in tests/unit/test_jsoncodec.py, which compare both
  on arbitrary values);
- what orjson refuses: integers beyond 64 bits, strings with lone surrogates, non-string keys,
  more than 254 levels, and subclasses of the JSON types (an IntEnum, an OrderedDict), which
  the standard library writes in its own way;
- NaN and the infinities, which are not JSON: orjson refuses to read them, the standard library
  reads them (as `loads` does, so that a decision's checks refuse them field by field). orjson
  would write them as null where `canonical` must refuse them: so `canonical` is for values
  that passed those checks or are built of strings, integers, booleans and None, as the
  chain's records are.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_STRING = json.encoder.encode_basestring  # how both encoders above write a string
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)

# Where orjson's output may hold a float written unlike float.__repr__: a negative exponent of
# one digit ("1e-7", never "1e-07"), or a number between 1e-5 and 1e-4 written out
# ("0.00001" for "1e-05"). Text that happens to look so only costs the slower encoder. (Not
# a regular expression: scanning a decision with one took three times orjson's encoding.)
_SMALL_WRITTEN_OUT = b"0.0000"
_NUMBER_ENDS = frozenset(b",]}")


def _float_may_differ(encoded: bytes) -> bool:
    if _SMALL_WRITTEN_OUT in encoded:
        return True
    at = encoded.find(b"e-", 1)
    while at >= 0:
        # "<digit>e-<digit>" ending the number: not "…035e-4a25…" inside an identifier.
        if (
            48 <= encoded[at - 1] <= 57
            and at + 2 < len(encoded)
            and 48 <= encoded[at + 2] <= 57
            and (at + 3 == len(encoded) or encoded[at + 3] in _NUMBER_ENDS)
        ):
            return True
        at = encoded.find(b"e-", at + 2)
    return False


_SUBCLASSES_AS_STDLIB = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
_SORTED = orjson.OPT_SORT_KEYS | _SUBCLASSES_AS_STDLIB


# orjson reads an integer beyond 64 bits as a float, losing digits: a text with a run of 20
# digits or more goes to the standard library, which keeps it exact. (A string of digits that
# matches only costs the slower decoder.) Digits are mapped to "0", all else to " ", and the
# run looked for: a regular expression took longer than decoding.
_DIGIT_RUNS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
_LONG_RUN = b"0" * 20


def _has_long_number(data: bytes | bytearray | memoryview | str) -> bool:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    return _LONG_RUN in raw.translate(_DIGIT_RUNS)


def _not_json(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not a JSON type")


def canonical(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, no NaN: the bytes of
    `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    allow_nan=False).encode()`, for any value `loads` gives back."""
    if type(value) is str:  # most of a chain record's members: the standard library's own
        return _STRING(value).encode()
    try:
        encoded = orjson.dumps(value, default=_not_json, option=_SORTED)
    except TypeError:
        return _CANONICAL.encode(value).encode()
    if _float_may_differ(encoded):
        return _CANONICAL.encode(value).encode()
    return encoded


def _anything_else(value: Any) -> Any:
    return str(value)


def dumps(value: Any) -> bytes:
    """Compact JSON for messages and rows, keys in their order, anything else as str(): the
    bytes of `json.dumps(value, separators=(",", ":"), ensure_ascii=False,
    default=str).encode()`, but for small floats, written in orjson's equivalent form
    ("1e-7" for "1e-07": the same number to any reader)."""
    try:
        return orjson.dumps(value, default=_anything_else, option=_SUBCLASSES_AS_STDLIB)
    except TypeError:
        return _COMPACT.encode(value).encode()


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Decode JSON as json.loads() does, with its errors (json.JSONDecodeError with its
    message, line and column; UnicodeDecodeError)."""
    if not _has_long_number(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    # Refused by orjson, or beyond its 64-bit integers: the standard library decodes what it
    # can (long integers exactly, a lone surrogate in an escape, NaN and the infinities, UTF-16
    # and UTF-32 as it detects them) and says where the rest goes wrong.
    return json.loads(bytes(data) if isinstance(data, memoryview) else data)
