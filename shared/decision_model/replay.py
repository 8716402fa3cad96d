"""Replays a logged decision on the registered model to detect code/rules divergence."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .criteria import CriterionDef
from .evaluation import Evaluation, evaluate
from .models import DecisionModel, OpaqueModel
from .values import to_decimal

ReplayStatus = Literal["consistent", "divergent", "not_replayable"]


@dataclass(frozen=True)
class Replay:
    """The replay verdict, the differences found, and the model's own evaluation."""

    status: ReplayStatus
    differences: tuple[str, ...] = ()
    evaluation: Evaluation | None = None


def replay(
    model: DecisionModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Any],
    declared_outcome_code: str,
    declared_score: Any = None,
    declared_amount: Any = None,
) -> Replay:
    """Recompute the decision and compare it with the declared one (None is not compared)."""
    if isinstance(model, OpaqueModel):
        return Replay("not_replayable")
    evaluation = evaluate(model, criteria, values)
    differences = []
    if evaluation.outcome_code != declared_outcome_code:
        differences.append(
            f"outcome: expected '{evaluation.outcome_code}', declared '{declared_outcome_code}'"
        )
    for name, expected, declared in (
        ("score", evaluation.score, declared_score),
        ("amount", evaluation.amount, declared_amount),
    ):
        difference = _compare(name, expected, declared)
        if difference:
            differences.append(difference)
    return Replay("divergent" if differences else "consistent", tuple(differences), evaluation)


def _compare(name: str, expected: Decimal | None, declared: Any) -> str | None:
    if declared is None:
        return None
    declared_number = to_decimal(declared)
    if expected is None:
        return f"{name}: the model computes none, declared {declared_number}"
    # Decimal equality is numeric: 35 and 35.0 are the same score.
    if expected != declared_number:
        return f"{name}: expected {expected}, declared {declared_number}"
    return None
