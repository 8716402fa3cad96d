"""Loads an algorithm version's criteria and model from registry JSON, and dumps them back."""

from collections.abc import Sequence
from typing import Any

from marshmallow import ValidationError

from .binding import bind_model
from .criteria import CriterionDef
from .criterion_schema import CriterionSchema
from .model_schemas import MODEL_SCHEMAS
from .models import DecisionModel


def load_algorithm_model(
    criteria_json: list[Any], model_json: dict[str, Any]
) -> tuple[tuple[CriterionDef, ...], DecisionModel]:
    """Validate and load criteria and model; errors are keyed "criteria" and "model"."""
    errors: dict[str, Any] = {}
    criteria: tuple[CriterionDef, ...] = ()
    model: DecisionModel | None = None
    try:
        criteria = _load_criteria(criteria_json)
    except ValidationError as error:
        errors["criteria"] = error.messages
    try:
        model = _load_model(model_json)
    except ValidationError as error:
        errors["model"] = error.messages
    # Checking the model against the criteria only makes sense once both loaded.
    if model is not None and not errors:
        try:
            model = bind_model(model, criteria)
        except ValidationError as error:
            errors["model"] = error.messages
    if errors:
        raise ValidationError(errors)
    assert model is not None
    return criteria, model


def dump_algorithm_model(
    criteria: Sequence[CriterionDef], model: DecisionModel
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The registry JSON of criteria and model, every optional field written out."""
    return CriterionSchema(many=True).dump(criteria), MODEL_SCHEMAS[model.kind]().dump(model)


def _load_criteria(data: Any) -> tuple[CriterionDef, ...]:
    if not isinstance(data, list):
        raise ValidationError({"_schema": ["Must be a list."]})
    criteria: list[CriterionDef] = []
    errors: dict[int, Any] = {}
    seen: set[str] = set()
    # One load per item: with many=True marshmallow skips every item's consistency checks as
    # soon as one item has a field error, and the author would discover faults in rounds.
    for index, item in enumerate(data):
        try:
            criterion = CriterionSchema().load(item)
        except ValidationError as error:
            errors[index] = error.messages
            continue
        if criterion.code in seen:
            errors[index] = {"code": [f"Duplicate criterion code '{criterion.code}'."]}
        seen.add(criterion.code)
        criteria.append(criterion)
    if errors:
        raise ValidationError(errors)
    return tuple(criteria)


def _load_model(data: Any) -> DecisionModel:
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["Must be an object."]})
    schema = MODEL_SCHEMAS.get(data.get("kind"))  # type: ignore[arg-type]
    if schema is None:
        raise ValidationError({"kind": [f"Must be one of: {', '.join(MODEL_SCHEMAS)}."]})
    model: DecisionModel = schema().load(data)
    return model
