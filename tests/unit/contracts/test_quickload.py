"""quickload.reader(schema): what schema.load() returns, or None — never a value load() refuses,
never a value different from load()'s."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, post_load, validate

from shared.contracts import messages, quickload
from shared.samples import generate_decisions
from tests.support import builders

DELETE = ...  # builders.spoiled() removes the member

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=70),
    st.sampled_from(["", "x" * 301, "D-7K2QM-4XR9T", "a" * 64, "full", "2026-01-01T10:00:00"]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


class _Inner(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(required=True, validate=validate.Length(min=1, max=5))
    weight = fields.Float(load_default=None, allow_none=True)


class _Every(Schema):
    """Every field kind and option the reader does itself, and one it hands to the field."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Regexp(r"^[a-z]+$"))
    count = fields.Integer(required=True, strict=True)
    loose = fields.Integer(load_default=7)
    ratio = fields.Float(allow_none=True)
    flag = fields.Boolean(required=True)
    raw = fields.Raw(required=True)
    blob = fields.Dict(load_default=dict)
    kind = fields.String(load_default="a", validate=validate.OneOf(["a", "b"]))
    inner = fields.Nested(_Inner, load_default=None, allow_none=True)
    items = fields.List(fields.Nested(_Inner), required=True, validate=validate.Length(min=1))
    when = fields.AwareDateTime(format="iso", load_default=None, allow_none=True)


EVERY = _Every()
VALID_EVERY = {
    "name": "abc",
    "count": 3,
    "loose": 4,
    "ratio": 0.5,
    "flag": True,
    "raw": [1, {"a": None}],
    "blob": {"k": [1]},
    "kind": "b",
    "inner": {"code": "x", "weight": 2},
    "items": [{"code": "y"}, {"code": "zz", "weight": None, "extra": 1}],
    "when": "2026-12-08T03:00:00+01:00",
    "unknown": "dropped",
}


def _loaded(schema: Schema, data: Any) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = schema.load(data)
    except ValidationError:
        return None
    return result


def _same_or_unsure(schema: Schema, data: Any) -> None:
    read = quickload.reader(schema)(copy.deepcopy(data))
    if read is not None:
        assert read == _loaded(schema, data)


def _paths(value: Any, prefix: str = "") -> list[str]:
    """Every dotted path of a JSON value's members (list items by position)."""
    found = []
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in children:
        path = f"{prefix}{key}"
        found.append(path)
        found.extend(_paths(child, path + "."))
    return found


def _decision_logged_data(number: int) -> dict[str, Any]:
    decision = generate_decisions(number + 1, seed=7)[number]
    decision.pop("contact", None)
    data: dict[str, Any] = json.loads(builders.logged(decision).to_message().body)["data"]
    return data


EXPLANATION_DATA = {
    "reference": "D-7K2QM-4XR9T",
    "decision_id": "TEST-1",
    "administration": "ville-exemple",
    "explanation_id": 12,
    "version": 1,
    "reason": "created",
    "mention_explicite": "Cette décision a été prise sur le fondement d'un traitement.",
    "motif": None,
    "public_url": "http://explicite.test/d/D-7K2QM-4XR9T",
    "readability": {"formula": "FKGL-fr", "score": 8},
    "template": "default",
    "algorithm": {"id": "creche", "version": "1"},
    "supersedes": None,
}

CASES = [
    (EVERY, VALID_EVERY),
    (messages._DECISION_LOGGED, _decision_logged_data(0)),
    (messages._DECISION, _decision_logged_data(1)["decision"]),
    (messages._REPLAY, _decision_logged_data(2)["replay"]),
    (messages._EXPLANATION_GENERATED, EXPLANATION_DATA),
]


@pytest.mark.parametrize(("schema", "data"), CASES)
def test_valid_data_is_read_without_load(schema, data):
    read = quickload.reader(schema)(copy.deepcopy(data))
    assert read is not None
    assert read == schema.load(data)


@pytest.mark.parametrize(("schema", "data"), CASES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(choice=st.data())
def test_a_changed_member_is_read_as_load_reads_it_or_left_to_load(schema, data, choice):
    path = choice.draw(st.sampled_from(_paths(data)))
    value = choice.draw(st.one_of(st.just(DELETE), JSON_VALUES))
    _same_or_unsure(schema, builders.spoiled(data, path, value))


@pytest.mark.parametrize(("schema", "data"), CASES)
def test_every_refusal_of_load_is_left_to_it(schema, data):
    # Members one by one set to what a field of each kind refuses, or removed.
    for path in _paths(data):
        for value in (DELETE, None, True, 2**70, 1.5, float("nan"), "", "x" * 400, [], {}):
            spoiled = builders.spoiled(data, path, value)
            if _loaded(schema, spoiled) is None:
                assert quickload.reader(schema)(spoiled) is None, (path, value)
            else:
                _same_or_unsure(schema, spoiled)


def test_the_copy_of_a_dict_is_load_s_own():
    data = copy.deepcopy(VALID_EVERY)
    read = quickload.reader(EVERY)(data)
    assert read is not None
    assert read["blob"] == data["blob"] and read["blob"] is not data["blob"]
    assert read["loose"] == 4 and quickload.reader(EVERY)({**data, "loose": 4.0}) is None


def test_not_an_object_is_left_to_load():
    assert quickload.reader(EVERY)([VALID_EVERY]) is None


def test_what_the_reader_does_not_do_is_refused_when_it_is_built():
    class Hooked(Schema):
        class Meta:
            unknown = EXCLUDE

        name = fields.String()

        @post_load
        def upper(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
            return data

    class Kept(Schema):
        class Meta:
            unknown = INCLUDE

        name = fields.String()

    class Renamed(Schema):
        class Meta:
            unknown = EXCLUDE

        name = fields.String(data_key="Name")

    for schema in (Hooked(), Kept(), Renamed()):
        with pytest.raises(TypeError):
            quickload.reader(schema)
