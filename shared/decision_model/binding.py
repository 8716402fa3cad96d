"""Checks a loaded model against its declared criteria and types its condition values."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from marshmallow import ValidationError

from .criteria import CriterionDef
from .models import Band, DecisionModel, Grid, LinearModel, PointsModel, Rule, RulesModel
from .values import MEMBERSHIP_OPS, OPS_BY_TYPE, parse_value

Errors = dict[Any, Any]


def bind_model(model: DecisionModel, criteria: Sequence[CriterionDef]) -> DecisionModel:
    """Return the model with typed values, or raise ValidationError naming each fault."""
    by_code = {criterion.code: criterion for criterion in criteria}
    errors: Errors = {}
    bound: Any = model.bind(by_code, errors)
    _prune(errors)
    if errors:
        raise ValidationError(errors)
    return bound  # type: ignore[no-any-return]


def bind_rules(
    model: RulesModel, by_code: Mapping[str, CriterionDef], errors: Errors
) -> RulesModel:
    rules = [
        _bind_rule(rule, by_code, _at(errors, "rules", i)) for i, rule in enumerate(model.rules)
    ]
    return replace(model, rules=tuple(rules))


def bind_points(
    model: PointsModel, by_code: Mapping[str, CriterionDef], errors: Errors
) -> PointsModel:
    grids = [
        _bind_grid(grid, by_code, _at(errors, "grids", i)) for i, grid in enumerate(model.grids)
    ]
    return replace(model, grids=tuple(grids))


def check_weights(model: LinearModel, by_code: Mapping[str, CriterionDef], errors: Errors) -> None:
    for i, weight in enumerate(model.weights):
        criterion = _criterion(weight.criterion, by_code, _at(errors, "weights", i))
        if criterion is not None and criterion.type not in ("number", "boolean"):
            _at(errors, "weights", i)["criterion"] = [
                f"Criterion '{criterion.code}' is a {criterion.type}: "
                "only number and boolean criteria can be weighted."
            ]


def _bind_rule(rule: Rule, by_code: Mapping[str, CriterionDef], errors: Errors) -> Rule:
    criterion = _criterion(rule.criterion, by_code, errors)
    if criterion is None:
        return rule
    return replace(rule, value=_typed(criterion, rule.op, rule.value, errors))


def _bind_grid(grid: Grid, by_code: Mapping[str, CriterionDef], errors: Errors) -> Grid:
    criterion = _criterion(grid.criterion, by_code, errors)
    if criterion is None:
        return grid
    bands: list[Band] = []
    for j, band in enumerate(grid.bands):
        if band.op == "any":
            bands.append(band)
        else:
            value = _typed(criterion, band.op, band.value, _at(errors, "bands", j))
            bands.append(replace(band, value=value))
    return replace(grid, bands=tuple(bands))


def _criterion(
    code: str, by_code: Mapping[str, CriterionDef], errors: Errors
) -> CriterionDef | None:
    if code not in by_code:
        errors["criterion"] = [f"Unknown criterion '{code}': declare it in criteria."]
    return by_code.get(code)


def _typed(criterion: CriterionDef, op: str, raw: Any, errors: Errors) -> Any:
    """The condition value parsed for the criterion's type; records errors and returns raw."""
    if op not in OPS_BY_TYPE[criterion.type]:
        errors["op"] = [f"Op '{op}' is not valid for a {criterion.type} criterion."]
        return raw
    if op in MEMBERSHIP_OPS and not (isinstance(raw, list | tuple) and raw):
        errors["value"] = [f"Must be a non-empty list for op '{op}'."]
        return raw
    if op not in MEMBERSHIP_OPS and isinstance(raw, list | tuple):
        errors["value"] = [f"Must be a single value for op '{op}'."]
        return raw
    try:
        if op in MEMBERSHIP_OPS:
            return tuple(
                parse_value(criterion.type, item, criterion.allowed_values) for item in raw
            )
        return parse_value(criterion.type, raw, criterion.allowed_values)
    except ValueError as error:
        errors["value"] = [f"Does not fit criterion '{criterion.code}' ({criterion.type}): {error}"]
        return raw


def _at(errors: Errors, key: str, index: int) -> Errors:
    """The error dict at errors[key][index], marshmallow-style, created on demand."""
    return errors.setdefault(key, {}).setdefault(index, {})


def _prune(errors: Errors) -> None:
    """Remove the empty dicts left by _at."""
    for key in list(errors):
        if isinstance(errors[key], dict):
            _prune(errors[key])
            if not errors[key]:
                del errors[key]
