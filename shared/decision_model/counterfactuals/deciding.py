"""Whether one criterion decided the outcome: with another value, or with no effect at all.

Used for the criteria touching a ground of discrimination (Code pénal 225-1): when such a
criterion decided the result, the person must be told so, next to its justification.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..evaluation import Evaluation, evaluate_typed
from ..models import LinearModel, PointsModel, RulesModel
from ..values import Value
from .base import Counterfactual


@dataclass(frozen=True)
class Decisive:
    """How a criterion decided the outcome; at least one of the two is set."""

    criterion: str
    # The result with the criterion's effect removed (no points, no weight, no condition),
    # when its outcome differs from the person's.
    without: Evaluation | None
    # The value nearest to the person's that alone changes the outcome, if there is one.
    other: Counterfactual | None


def without(
    model: RulesModel | PointsModel | LinearModel, code: str
) -> RulesModel | PointsModel | LinearModel:
    """The model with the criterion's grids, weights or conditions taken out."""
    if isinstance(model, PointsModel):
        return replace(model, grids=tuple(g for g in model.grids if g.criterion != code))
    if isinstance(model, LinearModel):
        return replace(model, weights=tuple(w for w in model.weights if w.criterion != code))
    return replace(model, rules=tuple(r for r in model.rules if r.criterion != code))


def decisive(
    model: RulesModel | PointsModel | LinearModel,
    code: str,
    values: Mapping[str, Value],
    current: Evaluation,
    found: Sequence[Counterfactual],
) -> Decisive | None:
    """How the criterion decided the outcome, or None when it did not.

    `found`: the counterfactuals of these values with unchangeable criteria included, whose
    search is exact: a change of this criterion alone that flips the outcome is among them.
    """
    removed = evaluate_typed(without(model, code), values)
    other = _other_value(code, current, found)
    if removed.outcome == current.outcome and other is None:
        return None
    return Decisive(code, removed if removed.outcome != current.outcome else None, other)


def computed_decisive(code: str, current: Evaluation,
                      found: Sequence[Counterfactual]) -> Decisive | None:
    """For a model computed by its engine: decisive when another value of the criterion alone
    changes the outcome, or the amount, which is part of its result (`found`: its what-ifs
    with unchangeable criteria included)."""
    other = _other_value(code, current, found) or next(
        (cf for cf in found if cf.resulting_evaluation.amount != current.amount
         and all(changed == code for changed, _value in cf.changes)), None)
    return None if other is None else Decisive(code, None, other)


def _other_value(code: str, current: Evaluation,
                 found: Sequence[Counterfactual]) -> Counterfactual | None:
    return next((cf for cf in found if cf.resulting_outcome != current.outcome
                 and all(changed == code for changed, _value in cf.changes)), None)
