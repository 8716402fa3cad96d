"""Counterfactuals of a linear model: the value one criterion alone would need to flip it."""

from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..criteria import UNFAVOURABLE, CriterionDef
from ..evaluation import Evaluation
from ..models import LinearModel
from ..values import Value, holds
from .base import Counterfactual, flips, single_change


def linear_counterfactuals(
    model: LinearModel,
    by_code: Mapping[str, CriterionDef],
    values: Mapping[str, Value],
    current: Evaluation,
    include_fixed: bool = False,
) -> list[Counterfactual]:
    """For each changeable criterion (each one if include_fixed) with a non-zero weight, the
    value that alone flips it."""
    result = []
    for code in model.criteria_used():
        criterion = by_code[code]
        weight = sum((w.weight for w in model.weights if w.criterion == code), Decimal(0))
        if not (criterion.changeable or include_fixed) or not weight:
            continue
        value = values[code]
        if isinstance(value, bool):
            new_value: Value | None = None
            if flips(model, values, code, current.outcome)(not value):
                new_value = not value
        else:
            new_value = _numeric(model, criterion, values, weight, current)
        if new_value is not None:
            result.append(
                single_change(model, values, "single_criterion", criterion, new_value, new_value)
            )
    return result


def linear_boundary(model: LinearModel, current: Evaluation) -> tuple[Decimal, bool]:
    """The score where the outcome changes, and whether the score must rise to reach it."""
    assert current.score is not None
    if model.threshold is not None:
        boundary = model.threshold.value
        met = holds(model.threshold.op, current.score, boundary)
        return boundary, (not met if model.threshold.op in (">=", ">") else met)
    assert model.amount is not None
    # The rounded amount exceeds min exactly when the score reaches min + half a unit.
    boundary = model.amount.min + Decimal(5).scaleb(-model.amount.round - 1)
    return boundary, current.outcome == UNFAVOURABLE


def nearest_numeric(
    model: LinearModel, criterion: CriterionDef, values: Mapping[str, Value], current: Evaluation
) -> Decimal | None:
    """The value nearest to the person's that alone flips the outcome, or None."""
    weight = sum((w.weight for w in model.weights if w.criterion == criterion.code), Decimal(0))
    return _numeric(model, criterion, values, weight, current) if weight else None


def _numeric(
    model: LinearModel,
    criterion: CriterionDef,
    values: Mapping[str, Value],
    weight: Decimal,
    current: Evaluation,
) -> Decimal | None:
    """The multiple of the step nearest to the boundary, on the side that flips the outcome."""
    assert criterion.step is not None and current.score is not None
    step, here = criterion.step, values[criterion.code]
    assert isinstance(here, Decimal)
    boundary, must_rise = linear_boundary(model, current)
    direction = 1 if must_rise == (weight > 0) else -1
    flip = flips(model, values, criterion.code, current.outcome)
    # Exact when the boundary is a finite decimal; otherwise it lies off the step grid, and the
    # 60 digits of the caller's context keep the rounding below on the correct side of it.
    exact = (boundary - (current.score - weight * here)) / weight
    rounding = ROUND_CEILING if direction > 0 else ROUND_FLOOR
    candidate = ((exact / step).to_integral_value(rounding=rounding) * step).quantize(step)
    if not flip(candidate):
        # On the boundary itself, a strict comparison still fails: one step further.
        candidate += direction * step
    if not flip(candidate):
        return None  # nothing flips it, e.g. an amount whose min equals its max
    # The values that flip it lie beyond this one: if it is out of range, so are they.
    return None if criterion.out_of_range(candidate) else candidate
