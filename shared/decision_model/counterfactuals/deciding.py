"""Whether one criterion decided the outcome: with another value, or with no effect at all.

Used for the criteria touching a ground of discrimination (Code pénal 225-1): when such a
criterion decided the result, the person must be told so, next to its justification.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..evaluation import Evaluation
from ..models import ExactModel
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


def without(model: ExactModel, code: str) -> ExactModel:
    """The model with the criterion's grids, weights or conditions taken out."""
    return model.without(code)


def decisive(
    model: ExactModel,
    code: str,
    values: Mapping[str, Value],
    current: Evaluation,
    found: Sequence[Counterfactual],
) -> Decisive | None:
    """How the criterion decided the outcome, or None when it did not.

    `found`: the counterfactuals of these values with unchangeable criteria included, whose
    search is exact: a change of this criterion alone that flips the outcome is among them.
    """
    removed = model.without(code).explain(values)
    other = _other_value(code, current, found)
    if removed.outcome == current.outcome and other is None:
        return None
    return Decisive(code, removed if removed.outcome != current.outcome else None, other)


def computed_decisive(
    code: str, current: Evaluation, found: Sequence[Counterfactual]
) -> Decisive | None:
    """For a model computed by its engine: decisive when another value of the criterion alone
    changes the outcome, or the amount, which is part of its result (`found`: its what-ifs
    with unchangeable criteria included)."""
    other = _other_value(code, current, found) or next(
        (
            cf
            for cf in found
            if cf.resulting_evaluation.amount != current.amount
            and all(changed == code for changed, _value in cf.changes)
        ),
        None,
    )
    return None if other is None else Decisive(code, None, other)


def _other_value(
    code: str, current: Evaluation, found: Sequence[Counterfactual]
) -> Counterfactual | None:
    return next(
        (
            cf
            for cf in found
            if cf.resulting_outcome != current.outcome
            and all(changed == code for changed, _value in cf.changes)
        ),
        None,
    )
