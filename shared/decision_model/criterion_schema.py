"""Marshmallow schemas of a criterion definition and of a model's outcomes."""

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf, Range

from .criteria import CriterionDef, Outcome, Outcomes, Phrasing
from .grounds import PROTECTED_GROUNDS
from .json_fields import Number, StrictBoolean
from .values import CRITERION_TYPES


def text(**kwargs: Any) -> fields.String:
    """A required, non-empty string."""
    return fields.String(required=True, validate=Length(min=1), **kwargs)


def optional(field: type[fields.Field], **kwargs: Any) -> fields.Field:
    """A field that may be missing or null, and is dumped as null when unset."""
    return field(load_default=None, allow_none=True, **kwargs)


class PhrasingSchema(Schema):
    """How explanations speak of the criterion to the person (see `Phrasing`)."""

    subject = optional(fields.String, validate=Length(min=1, max=200))
    if_true = optional(fields.String, validate=Length(min=1, max=200))
    if_false = optional(fields.String, validate=Length(min=1, max=200))

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Phrasing:
        return Phrasing(**data)


class CriterionSchema(Schema):
    """A criterion as declared in the `criteria` list of an algorithm version."""

    code = text()
    label = text()
    type = fields.String(required=True, validate=OneOf(CRITERION_TYPES))
    unit = optional(fields.String)
    source = text()
    step = optional(Number, validate=Range(min=0, min_inclusive=False))
    min = optional(Number)
    max = optional(Number)
    allowed_values = optional(fields.List, cls_or_instance=fields.String(), validate=Length(min=1))
    changeable = StrictBoolean(load_default=True)
    protected_ground = optional(fields.String, validate=OneOf(list(PROTECTED_GROUNDS)))
    justification = optional(fields.String)
    phrasing = optional(fields.Nested, nested=PhrasingSchema)

    @validates_schema
    def _check_consistency(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for name in ("step", "min", "max"):
            if data.get(name) is not None and data["type"] != "number":
                errors[name] = [f"Only number criteria have a {name}."]
        if None not in (data.get("min"), data.get("max")) and data["min"] > data["max"]:
            errors["max"] = ["Must be greater than or equal to min."]
        allowed = data.get("allowed_values")
        if allowed is not None and data["type"] != "string":
            errors["allowed_values"] = ["Only string criteria have allowed values."]
        elif allowed is not None and len(set(allowed)) != len(allowed):
            errors["allowed_values"] = ["Values must be unique."]
        if data.get("protected_ground") and not (data.get("justification") or "").strip():
            errors["justification"] = ["Required when protected_ground is set."]
        phrasing = data.get("phrasing")
        if phrasing is not None:
            wanted = ("if_true", "if_false") if data["type"] == "boolean" else ("subject",)
            missing = [name for name in wanted if getattr(phrasing, name) is None]
            if missing:
                errors["phrasing"] = [f"A {data['type']} criterion's phrasing needs "
                                      f"{' and '.join(wanted)}."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> CriterionDef:
        if data["type"] == "number" and data["step"] is None:
            data["step"] = Decimal(1)
        if data["allowed_values"] is not None:
            data["allowed_values"] = tuple(data["allowed_values"])
        return CriterionDef(**data)


class OutcomeSchema(Schema):
    """The code and public label of one outcome."""

    code = text()
    label = text()

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Outcome:
        return Outcome(**data)


class OutcomesSchema(Schema):
    """The favourable and unfavourable outcomes of a model."""

    favourable = fields.Nested(OutcomeSchema, required=True)
    unfavourable = fields.Nested(OutcomeSchema, required=True)

    @validates_schema
    def _check_distinct(self, data: dict[str, Any], **kwargs: Any) -> None:
        # A replay could not tell the outcomes apart if they shared a code.
        if data["favourable"].code == data["unfavourable"].code:
            raise ValidationError("Must differ from the favourable code.", "unfavourable")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Outcomes:
        return Outcomes(**data)
