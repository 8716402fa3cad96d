"""Evaluates an executable decision model on a person's values, exactly, without eval."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Any

from .checking import typed_values
from .criteria import FAVOURABLE, UNFAVOURABLE, CriterionDef
from .models import (
    AmountRange,
    DecisionModel,
    Grid,
    LinearModel,
    PointsModel,
    RulesModel,
    ScoreModel,
)
from .steps import AmountStep, GridStep, RuleStep, Step, ThresholdStep, WeightStep
from .values import Value, holds

# Wide enough that sums and products of registry numbers are never rounded.
EXACT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


class NotEvaluable(Exception):
    """The model is opaque: it has no executable form."""


@dataclass(frozen=True)
class Evaluation:
    """The result of a model on a person's values, with the steps that explain it."""

    outcome: str
    outcome_code: str
    outcome_label: str
    score: Decimal | None
    amount: Decimal | None
    steps: tuple[Step, ...]


def evaluate(
    model: DecisionModel, criteria: Sequence[CriterionDef], values: Mapping[str, Any]
) -> Evaluation:
    """Evaluate the model; raises InvalidValues for bad values, NotEvaluable for opaque."""
    if not model.evaluable:
        raise NotEvaluable("An opaque model cannot be evaluated.")
    return evaluate_typed(model, typed_values(criteria, model, values))


def evaluate_typed(model: DecisionModel, values: Mapping[str, Value]) -> Evaluation:
    """Evaluate on values already parsed by typed_values (each kind's `explain`)."""
    return model.explain(values)


def match_band(grid: Grid, value: Value) -> int | None:
    """Index of the first band of the grid that the value matches."""
    return next((i for i, band in enumerate(grid.bands) if holds(band.op, value, band.value)), None)


Result = tuple[str, Decimal | None, Decimal | None, tuple[Step, ...]]


def rules_result(model: RulesModel, values: Mapping[str, Value]) -> Result:
    steps = [
        RuleStep(
            i,
            rule.criterion,
            rule.op,
            rule.value,
            rule.label,
            rule.legal_reference,
            values[rule.criterion],
            holds(rule.op, values[rule.criterion], rule.value),
        )
        for i, rule in enumerate(model.rules)
    ]
    outcome = FAVOURABLE if all(step.met for step in steps) else UNFAVOURABLE
    amount = model.amount
    if amount is not None and outcome == UNFAVOURABLE:
        amount = Decimal(0)  # a refusal grants nothing
    return outcome, None, amount, tuple(steps)


def points_result(model: PointsModel, values: Mapping[str, Value]) -> Result:
    steps: list[GridStep] = []
    for i, grid in enumerate(model.grids):
        value = values[grid.criterion]
        band = match_band(grid, value)
        if band is None:
            steps.append(GridStep(i, grid.criterion, value, None, None, Decimal(0)))
        else:
            chosen = grid.bands[band]
            steps.append(GridStep(i, grid.criterion, value, band, chosen.label, chosen.points))
    score = sum((step.points for step in steps), Decimal(0))
    total = ThresholdStep(score, ">=", model.cutoff, score >= model.cutoff, FAVOURABLE)
    return outcome_of_score(model, score), score, None, (*steps, total)


def linear_result(model: LinearModel, values: Mapping[str, Value]) -> Result:
    steps = [
        WeightStep(
            i,
            weight.criterion,
            weight.label,
            values[weight.criterion],
            weight.weight,
            weight.weight * as_number(values[weight.criterion]),
        )
        for i, weight in enumerate(model.weights)
    ]
    score = model.intercept + sum((step.contribution for step in steps), Decimal(0))
    if model.threshold is not None:
        threshold = model.threshold
        met = holds(threshold.op, score, threshold.value)
        total: Step = ThresholdStep(score, threshold.op, threshold.value, met, threshold.when_met)
        return outcome_of_score(model, score), score, None, (*steps, total)
    assert model.amount is not None
    bounds = model.amount
    amount = clamped_amount(bounds, score)
    total = AmountStep(score, bounds.min, bounds.max, bounds.round, amount)
    return outcome_of_score(model, score), score, amount, (*steps, total)


def clamped_amount(bounds: AmountRange, score: Decimal) -> Decimal:
    clamped = min(max(score, bounds.min), bounds.max)
    return clamped.quantize(Decimal(1).scaleb(-bounds.round), rounding=ROUND_HALF_UP)


def outcome_of_score(model: ScoreModel, score: Decimal) -> str:
    """The outcome a score gives: it depends on the person's values only through the score."""
    return model.outcome_of_score(score)


def term(model: ScoreModel, code: str, value: Value) -> Decimal:
    """The criterion's part of the score for this value: the score is the sum of such terms
    (and the intercept), so changing one value moves it by the difference of its terms."""
    return model.term(code, value)


def as_number(value: Value) -> Decimal:
    """A number or boolean criterion value as a Decimal: true counts 1, false 0."""
    if isinstance(value, bool):
        return Decimal(int(value))
    assert isinstance(value, Decimal)
    return value
