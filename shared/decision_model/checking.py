"""Checks a person's criterion values against the declared criteria and the model's needs."""

from collections.abc import Mapping, Sequence
from typing import Any

from .criteria import CriterionDef
from .models import DecisionModel
from .values import Value, parse_value


class InvalidValues(ValueError):
    """The values cannot be evaluated; `errors` maps criterion codes to reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(f"Invalid criterion values: {errors}")
        self.errors = errors


def check_values(
    criteria: Sequence[CriterionDef], model: DecisionModel, values: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Errors per criterion code (undeclared, wrong type, missing); empty when all is fine."""
    return _parse(criteria, model, values)[1]


def typed_values(
    criteria: Sequence[CriterionDef], model: DecisionModel, values: Mapping[str, Any]
) -> dict[str, Value]:
    """The values parsed to their types (Decimal, date, ...), or InvalidValues."""
    typed, errors = _parse(criteria, model, values)
    if errors:
        raise InvalidValues(errors)
    return typed


def _parse(
    criteria: Sequence[CriterionDef], model: DecisionModel, values: Mapping[str, Any]
) -> tuple[dict[str, Value], dict[str, list[str]]]:
    by_code = {criterion.code: criterion for criterion in criteria}
    typed: dict[str, Value] = {}
    errors: dict[str, list[str]] = {}
    for code, raw in values.items():
        criterion = by_code.get(code)
        if criterion is None:
            errors[code] = ["Not a criterion declared by this algorithm version."]
            continue
        try:
            typed[code] = parse_value(criterion.type, raw, criterion.allowed_values)
        except ValueError as error:
            errors[code] = [str(error)]
            continue
        reason = criterion.out_of_range(typed[code])
        if reason:
            errors[code] = [reason]
    for code in model.criteria_used():
        if code not in values:
            errors[code] = ["Missing: the decision model needs this criterion."]
    return typed, errors
