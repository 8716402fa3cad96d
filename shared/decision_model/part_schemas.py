"""Marshmallow schemas of the parts of a decision model: rules, grids, weights, outputs."""

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf, Range

from .criteria import FAVOURABLE, UNFAVOURABLE
from .criterion_schema import optional, text
from .json_fields import ConditionValue, Number, StrictInteger
from .models import AmountRange, Band, Grid, Rule, Threshold, Weight
from .values import CONDITION_OPS, ORDERING_OPS


def items(schema: type[Schema]) -> fields.List:
    """A required, non-empty list of nested objects."""
    return fields.List(fields.Nested(schema), required=True, validate=Length(min=1))


class RuleSchema(Schema):
    """A condition of a rules model, with its label and legal reference."""

    criterion = text()
    op = fields.String(required=True, validate=OneOf(CONDITION_OPS))
    value = ConditionValue(required=True)
    label = text()
    legal_reference = text()

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Rule:
        return Rule(**data)


class BandSchema(Schema):
    """A band of a points grid."""

    op = fields.String(required=True, validate=OneOf((*CONDITION_OPS, "any")))
    value = optional(ConditionValue)
    points = Number(required=True)
    label = text()

    @validates_schema
    def _check_value(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["op"] == "any" and data.get("value") is not None:
            raise ValidationError("Must be null for op 'any'.", "value")
        if data["op"] != "any" and data.get("value") is None:
            raise ValidationError(f"Required for op '{data['op']}'.", "value")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Band:
        return Band(**data)


class GridSchema(Schema):
    """The points grid of one criterion."""

    criterion = text()
    bands = items(BandSchema)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Grid:
        return Grid(criterion=data["criterion"], bands=tuple(data["bands"]))


class WeightSchema(Schema):
    """The weight of one criterion in a linear score."""

    criterion = text()
    weight = Number(required=True)
    label = text()

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Weight:
        return Weight(**data)


class ThresholdSchema(Schema):
    """The threshold that turns a linear score into an outcome."""

    op = fields.String(required=True, validate=OneOf(ORDERING_OPS))
    value = Number(required=True)
    when_met = fields.String(required=True, validate=OneOf((FAVOURABLE, UNFAVOURABLE)))

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Threshold:
        return Threshold(**data)


class AmountSchema(Schema):
    """The clamped, rounded amount computed from a linear score."""

    min = Number(required=True)
    max = Number(required=True)
    round = StrictInteger(required=True, validate=Range(min=0, max=10))

    @validates_schema
    def _check_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["min"] > data["max"]:
            raise ValidationError("Must be greater than or equal to min.", "max")
        # "favourable iff amount > min" needs min to be an amount that rounding can produce.
        unit = Decimal(1).scaleb(-data["round"])
        for bound in ("min", "max"):
            if data[bound] % unit:
                raise ValidationError(f"Must have at most {data['round']} decimals.", bound)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> AmountRange:
        return AmountRange(**data)
