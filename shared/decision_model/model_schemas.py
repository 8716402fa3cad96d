"""Marshmallow schemas of the four kinds of decision model (structure only, values still raw)."""

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema

from .criterion_schema import OutcomesSchema, optional, text
from .json_fields import Number
from .models import LinearModel, OpaqueModel, PointsModel, RulesModel
from .openfisca.schema import OpenFiscaModelSchema
from .part_schemas import (
    AmountSchema,
    GridSchema,
    RuleSchema,
    ThresholdSchema,
    WeightSchema,
    items,
)


class ModelSchema(Schema):
    """Fields common to every kind; `kind` is checked by the dispatcher."""

    kind = fields.String(required=True)
    outcomes = fields.Nested(OutcomesSchema, required=True)


class RulesModelSchema(ModelSchema):
    """A rules model: every rule must hold."""

    rules = items(RuleSchema)
    amount = optional(Number)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> RulesModel:
        return RulesModel(data["outcomes"], tuple(data["rules"]), data["amount"])


class PointsModelSchema(ModelSchema):
    """A points model: grids and a cut-off."""

    grids = items(GridSchema)
    cutoff = Number(required=True)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> PointsModel:
        return PointsModel(data["outcomes"], tuple(data["grids"]), data["cutoff"])


class LinearModelSchema(ModelSchema):
    """A linear model: weights, then a threshold or an amount."""

    intercept = Number(load_default=Decimal(0))
    weights = items(WeightSchema)
    threshold = optional(fields.Nested, nested=ThresholdSchema)
    amount = optional(fields.Nested, nested=AmountSchema)

    @validates_schema
    def _check_one_output(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("threshold") is None) == (data.get("amount") is None):
            raise ValidationError("Give exactly one of threshold or amount.", "_schema")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> LinearModel:
        data.pop("kind")
        return LinearModel(**{**data, "weights": tuple(data["weights"])})


class OpaqueModelSchema(ModelSchema):
    """An opaque model: a description only."""

    description = text()

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> OpaqueModel:
        return OpaqueModel(data["outcomes"], data["description"])


MODEL_SCHEMAS: dict[str, type[Schema]] = {
    "rules": RulesModelSchema,
    "points": PointsModelSchema,
    "linear": LinearModelSchema,
    "opaque": OpaqueModelSchema,
    "openfisca": OpenFiscaModelSchema,
}
