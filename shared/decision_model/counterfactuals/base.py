"""The Counterfactual result and the search for the nearest value accepted by a predicate."""

from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ..criteria import CriterionDef
from ..evaluation import Evaluation, evaluate_typed
from ..models import DecisionModel
from ..values import ONE_DAY, ConditionValue, Value

RequiredValue = Value | tuple[Value, ...]


@dataclass(frozen=True)
class Counterfactual:
    """Changes to the person's values, applied together, and the result they would give."""

    # "failed_rule", "all_failed_rules" or "would_lose" (rules); "single_criterion" otherwise.
    kind: str
    # The combined "all_failed_rules" one spans several criteria: these three are None there.
    criterion: str | None
    current_value: Value | None
    # A tuple when the person may choose among several values (an `in` rule, several strings);
    # `changes` then holds the nearest, or the first, of them.
    required_value: RequiredValue | None
    changes: tuple[tuple[str, Value], ...]
    resulting_outcome: str
    resulting_evaluation: Evaluation
    rule_index: int | None = None


def step_of(criterion: CriterionDef) -> Decimal | timedelta:
    """The smallest meaningful change of a number or date criterion."""
    if criterion.type == "date":
        return ONE_DAY
    assert criterion.step is not None
    return criterion.step


def candidates(criterion: CriterionDef, mentioned: Iterable[ConditionValue | None]) -> list[Any]:
    """Values worth trying: each boundary the model mentions and one step on either side."""
    # On the step grid, the nearest value that changes a condition's truth is one of these.
    boundaries: list[Any] = []
    for value in mentioned:
        if isinstance(value, tuple):
            boundaries.extend(value)
        elif value is not None:
            boundaries.append(value)
    if criterion.type == "boolean":
        return [True, False]
    if criterion.type == "string":
        return list(criterion.allowed_values or dict.fromkeys(boundaries))
    step: Any = step_of(criterion)
    near = [near for value in boundaries for near in _around(value, step)]
    # An interval the boundaries cut may meet the declared range only inside, away from every
    # boundary (range 5 to 50 inside the band 3 to 100): its ends stand for it.
    ends = [end for end in (criterion.min, criterion.max) if end is not None]
    return list(dict.fromkeys([*near, *ends]))


def _around(value: Any, step: Any) -> list[Any]:
    near = [value]
    for delta in (-step, step):
        with suppress(OverflowError):  # the calendar's first and last days lack a neighbour
            near.append(value + delta)
    return near


def ranked(
    criterion: CriterionDef, current: Value, values: Iterable[Any], accept: Callable[[Any], bool]
) -> list[Any]:
    """The accepted values in range other than the current one; numbers and dates nearest first."""
    found = [
        value
        for value in values
        if value != current and not criterion.out_of_range(value) and accept(value)
    ]
    if criterion.type in ("number", "date"):
        here: Any = current
        # Ties between a lower and a higher value go to the higher one.
        found.sort(key=lambda value: (abs(value - here), value < here))
    return found


def required(criterion: CriterionDef, found: list[Any], listed: bool) -> RequiredValue:
    """The nearest value, or all of them when the choice among several is the person's."""
    if listed or (criterion.type == "string" and len(found) > 1):
        return tuple(found)
    return found[0]


def single_change(
    model: DecisionModel,
    values: Mapping[str, Value],
    kind: str,
    criterion: CriterionDef,
    required_value: RequiredValue,
    new_value: Value,
    rule_index: int | None = None,
) -> Counterfactual:
    """The counterfactual of changing one criterion to new_value."""
    evaluation = evaluate_typed(model, {**values, criterion.code: new_value})
    return Counterfactual(
        kind,
        criterion.code,
        values[criterion.code],
        required_value,
        ((criterion.code, new_value),),
        evaluation.outcome,
        evaluation,
        rule_index,
    )


def flips(
    model: DecisionModel, values: Mapping[str, Value], code: str, outcome: str
) -> Callable[[Any], bool]:
    """A predicate: does setting `code` to a value change the outcome away from `outcome`?"""
    return lambda value: evaluate_typed(model, {**values, code: value}).outcome != outcome
