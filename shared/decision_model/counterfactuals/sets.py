"""The smallest sets of changes that flip a score's outcome when no single change does.

A points or linear model decides through its score alone, and the score is a sum of one term
per criterion. So a set of changes flips the outcome exactly when the sum of their effects on
the score crosses the boundary: the search adds effects, then evaluates the model once on the
set it found, so that what is stated is what the model gives.

Bounded: the options of each criterion are its values worth trying (a value in each interval
the grid's bounds cut, booleans' other value, a number's end of range), reduced to those that
move the score further than every nearer value; sets of 2, then 3 criteria, no more.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations as subsets
from itertools import product
from typing import Any

from ..criteria import CriterionDef
from ..evaluation import Evaluation, evaluate_typed, outcome_of_score, term
from ..models import ScoreModel
from ..values import Value
from .base import Counterfactual, ranked

COMBINATION = "combination"
MAX_SIZE = 3


@dataclass(frozen=True)
class _Option:
    value: Value
    effect: Decimal  # the change of the criterion's term in the score
    rank: int  # 0 for the value nearest to the person's


def combinations(
    model: ScoreModel,
    by_code: Mapping[str, CriterionDef],
    values: Mapping[str, Value],
    current: Evaluation,
    codes: Collection[str],
    limit: int = 3,
) -> list[Counterfactual]:
    """Up to `limit` sets of changes among `codes`, of the smallest size (2, then 3) at which
    one flips the outcome; each set is the nearest one for its criteria. Empty when a single
    change flips it, or when no set of up to 3 criteria does."""
    assert current.score is not None
    rise = _must_rise(model, current)
    options = {
        code: _options(model, by_code[code], values, rise)
        for code in model.criteria_used()
        if code in codes
    }
    useful = [code for code, found in options.items() if found]
    if any(_flips(model, current, (option,)) for code in useful for option in options[code]):
        return []
    for size in range(2, MAX_SIZE + 1):
        found = []
        for chosen in subsets(useful, size):
            best = _cheapest(model, current, [options[code] for code in chosen])
            if best is not None:
                found.append((sum(option.rank for option in best), chosen, best))
        if found:
            found.sort(key=lambda item: item[0])
            return [
                _counterfactual(model, by_code, values, current, chosen, best)
                for _rank, chosen, best in found[:limit]
            ]
    return []


def _must_rise(model: ScoreModel, current: Evaluation) -> bool:
    return model.must_rise(current)


def _options(
    model: ScoreModel,
    criterion: CriterionDef,
    values: Mapping[str, Value],
    rise: bool,
) -> list[_Option]:
    """The values that move the score the right way further than any nearer value does."""
    here = values[criterion.code]
    tried = model.set_candidates(criterion, here)
    base = term(model, criterion.code, here)
    sign = 1 if rise else -1
    kept: list[_Option] = []
    best = Decimal(0)
    for value in ranked(criterion, here, tried, lambda _value: True):
        effect = term(model, criterion.code, value) - base
        if sign * effect > best:
            best = sign * effect
            kept.append(_Option(value, effect, len(kept)))
    return kept


def _flips(model: ScoreModel, current: Evaluation, chosen: Sequence[_Option]) -> bool:
    assert current.score is not None
    score = current.score + sum((option.effect for option in chosen), Decimal(0))
    return outcome_of_score(model, score) != current.outcome


def _cheapest(
    model: ScoreModel, current: Evaluation, options: Sequence[Sequence[_Option]]
) -> tuple[_Option, ...] | None:
    """The flipping choice of one option per criterion with the smallest sum of ranks."""
    best: tuple[_Option, ...] | None = None
    for choice in product(*options):
        if best is not None and sum(o.rank for o in choice) >= sum(o.rank for o in best):
            continue
        if _flips(model, current, choice):
            best = choice
    return best


def _counterfactual(
    model: ScoreModel,
    by_code: Mapping[str, CriterionDef],
    values: Mapping[str, Value],
    current: Evaluation,
    chosen: Sequence[str],
    best: Sequence[_Option],
) -> Counterfactual:
    changes: dict[str, Any] = {
        code: option.value for code, option in zip(chosen, best, strict=True)
    }
    model.nearest_in_set(by_code, values, chosen, changes)
    evaluation = evaluate_typed(model, {**values, **changes})
    return Counterfactual(
        COMBINATION, None, None, None, tuple(changes.items()), evaluation.outcome, evaluation
    )
