"""Replays a logged decision on the registered model to detect code/rules divergence."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .checking import typed_values
from .criteria import CriterionDef
from .evaluation import Evaluation, evaluate
from .models import DecisionModel
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
    if not model.evaluable:
        return Replay("not_replayable")
    evaluation = evaluate(model, criteria, values)
    return _verdict(
        evaluation,
        ReplayCase(values, declared_outcome_code, declared_score, declared_amount),
        model.amount_tolerance,
    )


@dataclass(frozen=True)
class ReplayCase:
    """A logged decision to replay: the person's values and what the decision declared."""

    values: Mapping[str, Any]
    declared_outcome_code: str
    declared_score: Any = None
    declared_amount: Any = None


def replay_many(
    model: DecisionModel, criteria: Sequence[CriterionDef], cases: Sequence[ReplayCase]
) -> list[Replay]:
    """Replay many decisions of one algorithm version at once: a model that computes many cases
    cheaper together (OpenFisca: one simulation) does; the others replay one by one.

    Raises InvalidValues when a case's values do not fit the criteria: callers replay checked
    decisions.
    """
    if not model.batched:
        return [
            replay(
                model,
                criteria,
                case.values,
                case.declared_outcome_code,
                case.declared_score,
                case.declared_amount,
            )
            for case in cases
        ]
    typed = [typed_values(criteria, model, case.values) for case in cases]
    return [
        _verdict(evaluation, case, model.amount_tolerance)
        for evaluation, case in zip(model.evaluate_many(typed), cases, strict=True)
    ]


def _verdict(evaluation: Evaluation, case: ReplayCase, tolerance: Decimal = Decimal(0)) -> Replay:
    differences = []
    if evaluation.outcome_code != case.declared_outcome_code:
        differences.append(
            f"outcome: expected '{evaluation.outcome_code}', declared "
            f"'{case.declared_outcome_code}'"
        )
    for name, expected, declared in (
        ("score", evaluation.score, case.declared_score),
        ("amount", evaluation.amount, case.declared_amount),
    ):
        difference = _compare(name, expected, declared, tolerance)
        if difference:
            differences.append(difference)
    return Replay("divergent" if differences else "consistent", tuple(differences), evaluation)


def _compare(
    name: str, expected: Decimal | None, declared: Any, tolerance: Decimal = Decimal(0)
) -> str | None:
    if declared is None:
        return None
    declared_number = to_decimal(declared)
    if expected is None:
        return f"{name}: the model computes none, declared {declared_number}"
    # Decimal equality is numeric: 35 and 35.0 are the same score. A model computing in
    # floating point (OpenFisca) has a tolerance: one cent.
    if abs(expected - declared_number) > tolerance:
        return f"{name}: expected {expected}, declared {declared_number}"
    return None
