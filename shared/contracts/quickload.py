"""A marshmallow schema's load(), compiled into plain Python for the values it is sure of.

The consumers read every `decision.logged` and `explanation.generated` item through the
contract's schemas (shared/contracts/messages.py). `Schema.load()` and even each field's
`deserialize()` do bookkeeping that costs more than the checks themselves: at 500 decisions a
second, parsing was 29 % of the explainer's CPU and 44 % of appeals' (py-spy, docs/
benchmark.md). `reader(schema)` builds, once, a function that does what load() does for the
common case — the JSON types each field expects — and answers None wherever it is not sure
(another type, a value a validator refuses, a null, a missing required field): the caller then
calls load(), which decides and words the errors. So the reader never accepts what load()
refuses, and what it returns equals what load() returns.

What it does itself, field by field (anything else goes through the field's own deserialize()):
- String: a `str`; Integer: an `int` (not a bool); Float: an `int` or a finite `float`, as
  `float(value)`; Boolean: a `bool`; Raw: any value but null; Dict (no key or value field): a
  `dict`, copied as load() copies it; Nested: a `dict`, read by the nested schema's reader;
  List of Nested: a `list` of them.
- The field's validators are called as load() calls them (Length, Regexp, OneOf...).
- A missing field: its load_default (or nothing) when not required; a null: None where the
  field allows it.
Schemas with hooks, `unknown` other than EXCLUDE, data_key or attribute, or fields with
pre_load/post_load functions, are refused when the reader is built.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing

Reader = Callable[[Any], dict[str, Any] | None]


class _Unsure(Exception):
    """The reader cannot say what load() gives: let load() decide."""


def _string(value: Any) -> Any:
    if type(value) is not str:
        raise _Unsure
    return value


def _integer(value: Any) -> Any:
    if type(value) is not int:
        raise _Unsure
    return value


def _float(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        if not math.isfinite(value):
            raise _Unsure
        return value
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            raise _Unsure from None
    raise _Unsure


def _boolean(value: Any) -> Any:
    if type(value) is not bool:
        raise _Unsure
    return value


def _raw(value: Any) -> Any:
    return value


def _mapping(value: Any) -> Any:
    if type(value) is not dict:
        raise _Unsure
    return dict(value)


def _nested(schema: Schema) -> Callable[[Any], Any]:
    read = reader(schema)

    def convert(value: Any) -> Any:
        result = read(value)
        if result is None:
            raise _Unsure
        return result

    return convert


def _list_of(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if type(value) is not list:
            raise _Unsure
        return [inner(item) for item in value]

    return convert


def _converter(field: fields.Field) -> Callable[[Any], Any] | None:
    """The plain conversion of a present, non-null value; None: the field's deserialize()."""
    kind = type(field)
    if kind is fields.String:
        return _string
    if kind is fields.Integer:
        return _integer
    if kind is fields.Float:
        return _float
    if kind is fields.Boolean:
        return _boolean
    if kind is fields.Raw:
        return _raw
    if kind is fields.Dict and isinstance(field, fields.Dict) and _plain_mapping(field):
        return _mapping
    if kind is fields.Nested and isinstance(field, fields.Nested) and _plain_nested(field):
        return _nested(field.schema)
    if kind is fields.List and isinstance(field, fields.List):
        inner = field.inner
        if (
            type(inner) is fields.Nested
            and isinstance(inner, fields.Nested)
            and _plain_nested(inner)
            and not inner.validators
        ):
            return _list_of(_nested(inner.schema))
    return None


def _plain_mapping(field: fields.Dict) -> bool:
    return field.key_field is None and field.value_field is None and field.mapping_type is dict


def _plain_nested(field: fields.Nested) -> bool:
    return (
        not field.many
        and field.unknown is None
        and not field.only
        and not field.exclude
        and isinstance(field.schema, Schema)
    )


def _field_step(name: str, field: fields.Field) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """Reads field `name` of `data` into `out`; _Unsure where load() would refuse or might."""
    if field.data_key not in (None, name) or field.attribute not in (None, name):
        raise TypeError(f"{name}: data_key or attribute is not read by the quick reader")
    if field.pre_load or field.post_load:
        raise TypeError(f"{name}: a field's pre_load or post_load is not run by the quick reader")
    convert = _converter(field)
    if convert is None:
        # Any other field: its own deserialize(), which is exact; a refusal means unsure.
        def step(data: dict[str, Any], out: dict[str, Any]) -> None:
            try:
                result = field.deserialize(data.get(name, missing), name, data)
            except ValidationError:
                raise _Unsure from None
            if result is not missing:
                out[name] = result

        return step
    required, allow_none, default = field.required, field.allow_none, field.load_default
    validators = tuple(field.validators)

    def plain_step(data: dict[str, Any], out: dict[str, Any]) -> None:
        value = data.get(name, missing)
        if value is missing:
            if required:
                raise _Unsure
            result = default() if callable(default) else default
            if result is not missing:
                out[name] = result
            return
        if value is None:
            if not allow_none:
                raise _Unsure
            out[name] = None
            return
        result = convert(value)
        for validate in validators:
            try:
                validate(result)
            except ValidationError:
                raise _Unsure from None
        out[name] = result

    return plain_step


def reader(schema: Schema) -> Reader:
    """What `schema.load(data)` returns, or None where it would raise or might (see above)."""
    if schema.unknown != EXCLUDE or any(schema._hooks.values()):
        raise TypeError(f"{type(schema).__name__}: hooks or unknown fields kept")
    steps = [_field_step(name, field) for name, field in schema.load_fields.items()]

    def read(data: Any) -> dict[str, Any] | None:
        if type(data) is not dict:
            return None
        out: dict[str, Any] = {}
        try:
            for step in steps:
                step(data, out)
        except _Unsure:
            return None
        return out

    return read
