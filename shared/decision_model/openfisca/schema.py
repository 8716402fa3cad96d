"""The registry JSON of an OpenFisca model, checked without loading OpenFisca.

What only the country package knows (its entities, roles and variables) is checked at
registration by `engine.Engine.layout_errors`; this schema checks the shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf, Regexp

from ..criteria import CriterionDef
from ..criterion_schema import OutcomesSchema, optional, text
from ..json_fields import Number
from .spec import PERIOD_OFFSETS, UNITS, Count, Input, OpenFiscaModel, PersonGroup, Term

# A case has at most this many persons of one kind: the simulation's size stays bounded.
MAX_COUNT = 20
NAME = Regexp(r"^[a-z][a-z0-9_]*$", error="Must be a lower-case OpenFisca name.")
# Dotted parameter paths or variable names.
PATH = Regexp(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", error="Must be an OpenFisca name or path.")


class CountField(fields.Field):
    """A number of persons: an integer, or {"criterion": code}."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Count:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_COUNT:
            return Count(fixed=value)
        if (
            isinstance(value, dict)
            and set(value) == {"criterion"}
            and isinstance(value["criterion"], str)
            and value["criterion"]
        ):
            return Count(criterion=value["criterion"])
        raise ValidationError(
            f'Must be an integer from 1 to {MAX_COUNT}, or {{"criterion": code}}.'
        )

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value.fixed if value.fixed is not None else {"criterion": value.criterion}


class PersonGroupSchema(Schema):
    name = fields.String(required=True, validate=NAME)
    count = CountField(required=True)
    roles = fields.Dict(
        keys=fields.String(validate=NAME),
        values=fields.String(validate=NAME),
        required=True,
        validate=Length(min=1),
    )
    inputs = fields.Dict(keys=fields.String(validate=NAME), load_default=dict)

    @validates_schema
    def _scalar_inputs(self, data: dict[str, Any], **kwargs: Any) -> None:
        for name, value in data.get("inputs", {}).items():
            if not isinstance(value, int | float | bool | str) or isinstance(value, Decimal):
                raise ValidationError(f"'{name}' must be a number, a boolean or a text.", "inputs")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> PersonGroup:
        return PersonGroup(
            data["name"], data["count"], tuple(data["roles"].items()), tuple(data["inputs"].items())
        )


class InputSchema(Schema):
    criterion = text()
    variable = fields.String(required=True, validate=NAME)
    period = fields.String(load_default="period", validate=OneOf(PERIOD_OFFSETS))
    persons = optional(fields.String, validate=NAME)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Input:
        return Input(**data)


class TermSchema(Schema):
    label = text()
    unit = optional(fields.String, validate=OneOf(UNITS))

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Term:
        return Term(**data)


class OpenFiscaModelSchema(Schema):
    """An OpenFisca model: the package at its exact version and how a case is laid out."""

    kind = fields.String(required=True)
    outcomes = fields.Nested(OutcomesSchema, required=True)
    package = fields.String(required=True, validate=Regexp(r"^openfisca-[a-z0-9-]+$"))
    package_version = fields.String(required=True, validate=Regexp(r"^\d+(\.\d+)*$"))
    # A month (`2026-09`) or a year (`2026`): the period OpenFisca computes the output at.
    period = fields.String(required=True, validate=Regexp(r"^\d{4}(-(0[1-9]|1[0-2]))?$"))
    output = fields.String(required=True, validate=NAME)
    favourable_above = Number(load_default=Decimal(0))
    details = fields.List(fields.String(validate=NAME), load_default=list, validate=Length(max=5))
    persons = fields.List(
        fields.Nested(PersonGroupSchema), required=True, validate=Length(min=1, max=10)
    )
    inputs = fields.List(fields.Nested(InputSchema), required=True, validate=Length(min=1))
    vocabulary = fields.Dict(
        keys=fields.String(validate=PATH), values=fields.Nested(TermSchema), load_default=dict
    )

    @validates_schema
    def _layout(self, data: dict[str, Any], **kwargs: Any) -> None:
        persons = data.get("persons") or []
        # Every group entity needs a member in every case: the first kind is that one person.
        if persons and persons[0].count.fixed != 1:
            raise ValidationError(
                "The first kind of person is the one who applies: count 1.", "persons"
            )
        names = [group.name for group in persons]
        if len(set(names)) != len(names):
            raise ValidationError("Names must be unique.", "persons")
        for item in data.get("inputs") or []:
            if item.persons is not None and item.persons not in names:
                raise ValidationError(
                    f"'{item.persons}' is not a kind of person of the case.", "inputs"
                )

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> OpenFiscaModel:
        return OpenFiscaModel(
            data["outcomes"],
            data["package"],
            data["package_version"],
            data["period"],
            data["output"],
            tuple(data["persons"]),
            tuple(data["inputs"]),
            data["favourable_above"],
            tuple(data["details"]),
            tuple(data["vocabulary"].items()),
        )


def criteria_errors(
    model: OpenFiscaModel, criteria: Sequence[CriterionDef]
) -> dict[str, list[str]]:
    """What the model asks of its criteria: declared, and counts as small whole numbers."""
    by_code: Mapping[str, CriterionDef] = {criterion.code: criterion for criterion in criteria}
    errors: dict[str, list[str]] = {}
    for code in model.criteria_used():
        if code not in by_code:
            errors.setdefault(code, []).append(f"Unknown criterion '{code}': declare it.")
    for group in model.persons:
        criterion = by_code.get(group.count.criterion or "")
        if criterion is None:
            continue
        if (
            criterion.type != "number"
            or criterion.step is None
            or criterion.step % 1
            or criterion.min is None
            or criterion.min < 0
            or criterion.max is None
            or criterion.max > MAX_COUNT
        ):
            errors.setdefault(criterion.code, []).append(
                f"A number of persons: a whole number (step 1) with a min of 0 or more and a "
                f"max of {MAX_COUNT} or less."
            )
    for item in model.inputs:
        criterion = by_code.get(item.criterion)
        if criterion is not None and criterion.type == "date":
            errors.setdefault(criterion.code, []).append("Dates are not given to OpenFisca yet.")
    return errors


__all__ = ["MAX_COUNT", "OpenFiscaModelSchema", "criteria_errors"]
